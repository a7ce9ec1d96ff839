// The forecast made at an origin must not depend on anything after it: not on
// later targets, not on known-in-advance columns after the target day, not on
// row order. These tests change exactly those things and demand bit-identical
// features and predictions.
#include <arrow/api.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>

#include "medallion/ml/dataset.h"
#include "medallion/ml/model.h"
#include "medallion/ml/panel.h"
#include "medallion/ml/synthetic.h"

namespace medallion::ml {
namespace {

// The synthetic long table as plain vectors, so tests can tamper with it.
struct LongRows {
  std::vector<std::string> id;
  std::vector<int32_t> date;
  std::vector<double> target, price, promo;

  static LongRows From(const arrow::Table& table) {
    LongRows rows;
    auto combined = table.CombineChunks().ValueOrDie();
    auto ids = std::static_pointer_cast<arrow::StringArray>(combined->GetColumnByName("series_id")->chunk(0));
    auto dates = std::static_pointer_cast<arrow::Date32Array>(combined->GetColumnByName("date")->chunk(0));
    auto column = [&](const char* name) {
      auto a = std::static_pointer_cast<arrow::DoubleArray>(combined->GetColumnByName(name)->chunk(0));
      return std::vector<double>(a->raw_values(), a->raw_values() + a->length());
    };
    for (int64_t i = 0; i < ids->length(); ++i) rows.id.push_back(ids->GetString(i)), rows.date.push_back(dates->Value(i));
    rows.target = column("target");
    rows.price = column("price");
    rows.promo = column("promo");
    return rows;
  }

  std::shared_ptr<arrow::Table> ToTable() const {
    arrow::StringBuilder ids;
    arrow::Date32Builder dates;
    arrow::DoubleBuilder targets, prices, promos;
    for (size_t i = 0; i < id.size(); ++i) {
      EXPECT_TRUE(ids.Append(id[i]).ok());
      EXPECT_TRUE(dates.Append(date[i]).ok());
      EXPECT_TRUE(targets.Append(target[i]).ok());
      EXPECT_TRUE(prices.Append(price[i]).ok());
      EXPECT_TRUE(promos.Append(promo[i]).ok());
    }
    auto schema = arrow::schema({arrow::field("series_id", arrow::utf8()), arrow::field("date", arrow::date32()),
                                 arrow::field("target", arrow::float64()), arrow::field("price", arrow::float64()),
                                 arrow::field("promo", arrow::float64())});
    return arrow::Table::Make(schema, {ids.Finish().ValueOrDie(), dates.Finish().ValueOrDie(),
                                       targets.Finish().ValueOrDie(), prices.Finish().ValueOrDie(),
                                       promos.Finish().ValueOrDie()});
  }
};

PanelSpec Spec() {
  PanelSpec spec;
  spec.known_columns = {"price", "promo"};
  return spec;
}

class LeakageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SyntheticSpec synthetic;
    synthetic.series = 5;
    synthetic.days = 120;
    auto table = MakeSyntheticDemand(synthetic);
    ASSERT_TRUE(table.ok()) << table.status();
    rows_ = LongRows::From(**table);
    origin_ = synthetic.first_day + 90;
  }

  Panel MakePanel(const LongRows& rows) {
    auto panel = Panel::FromTable(*rows.ToTable(), Spec());
    EXPECT_TRUE(panel.ok()) << panel.status();
    return *panel;
  }

  // Features at `origin_` for horizon h, and predictions of models fitted on
  // everything the origin knew.
  struct Outcome {
    std::vector<double> features;
    std::vector<double> ridge, xgboost, naive;
  };
  Outcome Forecast(const LongRows& rows, int h) {
    Panel panel = MakePanel(rows);
    FeatureBuilder builder(FeatureSpec{}, Spec().known_columns);
    Dataset train = BuildTrainingSet(panel, builder, h, origin_);
    Dataset test = BuildDataset(panel, builder, h, OriginRange{origin_, origin_, /*require_label=*/false});
    EXPECT_EQ(test.size(), 5u);
    Outcome out;
    out.features = test.x.values();
    auto run = [&](std::string_view kind, nlohmann::json params, std::vector<double>* into) {
      auto model = CreateModel(kind, params);
      ASSERT_TRUE(model.ok()) << model.status();
      ASSERT_TRUE((*model)->Fit(train.x, train.y).ok());
      auto predicted = (*model)->Predict(test.x);
      ASSERT_TRUE(predicted.ok()) << predicted.status();
      *into = *predicted;
    };
    run("ridge", {{"alpha", 1.0}}, &out.ridge);
    run("xgboost", {{"num_boost_round", 40}}, &out.xgboost);
    run("seasonal_naive", nlohmann::json::object(), &out.naive);
    return out;
  }

  LongRows rows_;
  Day origin_ = 0;
};

TEST_F(LeakageTest, ChangingTheFutureChangesNoForecast) {
  for (int h : {1, 7}) {
    const Outcome before = Forecast(rows_, h);

    LongRows tampered = rows_;
    std::mt19937_64 rng(99);
    std::uniform_real_distribution<double> wild(-1000, 1000);
    for (size_t i = 0; i < tampered.id.size(); ++i) {
      // Every target after the origin, including the one being forecast.
      if (tampered.date[i] > origin_) tampered.target[i] = wild(rng);
      // Known-in-advance columns may be used up to the target day, not after.
      if (tampered.date[i] > origin_ + h) tampered.price[i] = wild(rng), tampered.promo[i] = wild(rng);
    }
    // And the row order.
    std::vector<size_t> order(tampered.id.size());
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), rng);
    LongRows shuffled;
    for (size_t i : order) {
      shuffled.id.push_back(tampered.id[i]);
      shuffled.date.push_back(tampered.date[i]);
      shuffled.target.push_back(tampered.target[i]);
      shuffled.price.push_back(tampered.price[i]);
      shuffled.promo.push_back(tampered.promo[i]);
    }
    const Outcome after = Forecast(shuffled, h);
    EXPECT_EQ(before.features, after.features) << "horizon " << h;
    EXPECT_EQ(before.ridge, after.ridge) << "horizon " << h;
    EXPECT_EQ(before.xgboost, after.xgboost) << "horizon " << h;
    EXPECT_EQ(before.naive, after.naive) << "horizon " << h;
  }
}

TEST_F(LeakageTest, ThePastAndTheKnownFutureDoMatter) {
  // Controls: the test above would pass trivially if features ignored the data.
  const Outcome before = Forecast(rows_, 7);
  LongRows past = rows_;
  for (size_t i = 0; i < past.id.size(); ++i) {
    if (past.date[i] == origin_) past.target[i] += 50;
  }
  EXPECT_NE(before.features, Forecast(past, 7).features);

  LongRows promo = rows_;
  for (size_t i = 0; i < promo.id.size(); ++i) {
    if (promo.date[i] == origin_ + 7) promo.promo[i] = 1 - promo.promo[i];
  }
  EXPECT_NE(before.features, Forecast(promo, 7).features);
}

TEST(PastViewTest, HidesEverythingAfterTheOrigin) {
  Series s;
  s.id = "x";
  s.first_day = 100;
  s.target = {1, 2, 3, 4, 5, 6};
  s.known = {{10, 20, 30, 40, 50, 60}};
  PastView view(s, /*origin=*/102, /*horizon=*/2);
  EXPECT_EQ(view.Target(102), 3);
  EXPECT_EQ(view.Target(100), 1);
  EXPECT_TRUE(std::isnan(view.Target(103)));
  EXPECT_TRUE(std::isnan(view.Target(99)));
  EXPECT_EQ(view.Known(0, 104), 50);  // the target day's known value is fair game
  EXPECT_TRUE(std::isnan(view.Known(0, 105)));
}

TEST(PastViewTest, ObservedColumnsStopAtTheOrigin) {
  Series s;
  s.id = "x";
  s.first_day = 100;
  s.target = {1, 2, 3, 4, 5, 6};
  s.observed = {{10, 20, 30, 40, 50, 60}};
  PastView view(s, /*origin=*/102, /*horizon=*/2);
  EXPECT_EQ(view.Observed(0, 102), 30);
  // Unlike a known column, the target day's value is not yet observed.
  EXPECT_TRUE(std::isnan(view.Observed(0, 103)));
  EXPECT_TRUE(std::isnan(view.Observed(0, 104)));
}

TEST(DatasetTest, StackedRowsOfEveryHorizonNeverSeeTheFuture) {
  // price is treated as observed here: only known once its day is over.
  PanelSpec spec;
  spec.observed_columns = {"price"};
  FeatureSpec features;
  features.horizon_feature = true;
  FeatureBuilder builder(features, {}, spec.observed_columns);
  auto table = MakeSyntheticDemand(SyntheticSpec{.series = 3, .days = 90});
  ASSERT_TRUE(table.ok());
  LongRows rows = LongRows::From(**table);
  auto panel = Panel::FromTable(*rows.ToTable(), spec);
  ASSERT_TRUE(panel.ok()) << panel.status();
  const Day cutoff = panel->first_day() + 70;
  const std::vector<int> horizons = {1, 2, 3, 4, 5, 6, 7};
  Dataset stacked = BuildStackedTrainingSet(*panel, builder, horizons, cutoff);
  Dataset future = BuildStackedDataset(*panel, builder, horizons, OriginRange{cutoff, cutoff, false});
  ASSERT_EQ(future.size(), 3u * 7u);

  for (size_t i = 0; i < rows.id.size(); ++i) {
    if (rows.date[i] > cutoff) rows.target[i] = -1000, rows.price[i] = -1000;
  }
  auto tampered = Panel::FromTable(*rows.ToTable(), spec);
  ASSERT_TRUE(tampered.ok());
  EXPECT_EQ(stacked.x.values(), BuildStackedTrainingSet(*tampered, builder, horizons, cutoff).x.values());
  EXPECT_EQ(future.x.values(), BuildStackedDataset(*tampered, builder, horizons, OriginRange{cutoff, cutoff, false}).x.values());

  const auto horizon_col = *stacked.x.ColumnIndex("horizon");
  for (int h : horizons) {
    Dataset one = RowsOfHorizon(stacked, h);
    ASSERT_GT(one.size(), 0u);
    EXPECT_EQ(*std::max_element(one.target_day.begin(), one.target_day.end()), cutoff);
    for (size_t r = 0; r < one.size(); ++r) EXPECT_EQ(one.x.at(r, horizon_col), h);
  }
}

TEST(DatasetTest, TrainingLabelsNeverPassTheCutoff) {
  auto table = MakeSyntheticDemand(SyntheticSpec{});
  ASSERT_TRUE(table.ok());
  auto panel = Panel::FromTable(**table, Spec());
  ASSERT_TRUE(panel.ok()) << panel.status();
  FeatureBuilder builder(FeatureSpec{}, Spec().known_columns);
  const Day cutoff = panel->first_day() + 100;
  Dataset train = BuildTrainingSet(*panel, builder, 7, cutoff);
  ASSERT_GT(train.size(), 0u);
  EXPECT_EQ(*std::max_element(train.target_day.begin(), train.target_day.end()), cutoff);
  EXPECT_EQ(*std::min_element(train.origin.begin(), train.origin.end()), panel->first_day() + 28);
  // The label is the target on the target day; y_season_1 is a week earlier.
  const auto season_col = *train.x.ColumnIndex("y_season_1");
  const auto& series = panel->series()[0];
  for (size_t r = 0; r < train.size() && train.series_id[r] == series.id; ++r) {
    EXPECT_EQ(train.y[r], series.target[train.target_day[r] - series.first_day]);
    EXPECT_EQ(train.x.at(r, season_col), series.target[train.target_day[r] - 7 - series.first_day]);
  }
}

TEST(PanelTest, ReportsDuplicatesAndMissingColumns) {
  auto table = MakeSyntheticDemand(SyntheticSpec{.series = 1, .days = 10});
  ASSERT_TRUE(table.ok());
  LongRows rows = LongRows::From(**table);
  rows.date[3] = rows.date[2];
  auto duplicate = Panel::FromTable(*rows.ToTable(), Spec());
  ASSERT_FALSE(duplicate.ok());
  EXPECT_NE(duplicate.status().message().find("P1000"), std::string::npos) << duplicate.status();
  PanelSpec spec = Spec();
  spec.target_column = "units";
  auto missing = Panel::FromTable(**table, spec);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("'units'"), std::string::npos) << missing.status();
}

}  // namespace
}  // namespace medallion::ml
