#include "medallion/ml/tick_job.h"

#include <arrow/api.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <map>

#include "medallion/ingest/ticks_generator.h"
#include "medallion/ml/lake_table.h"
#include "medallion/transform/gold_columns.h"
#include "medallion/transform/ticks_features.h"

namespace medallion::ml {
namespace {

// Ticks of a few weekdays from the generator, through transform::TickFeatures:
// the gold/tick_features table the streaming job writes.
std::shared_ptr<arrow::Table> GeneratedTickFeatures() {
  ingest::TicksOptions options;
  options.seed = 3;
  ingest::TicksGenerator generator(options);
  arrow::StringBuilder symbol;
  arrow::TimestampBuilder ts(arrow::timestamp(arrow::TimeUnit::MICRO, "UTC"), arrow::default_memory_pool());
  arrow::DoubleBuilder price;
  arrow::Int64Builder volume;
  for (int32_t day = 20454; day < 20461; ++day) {  // 2026-01-05 (Monday) .. Sunday
    for (const auto& t : generator.Day(day)) {
      EXPECT_TRUE(symbol.Append(generator.symbols()[t.symbol]).ok());
      EXPECT_TRUE(ts.Append(t.ts_ms * 1000).ok());
      EXPECT_TRUE(price.Append(t.price).ok());
      EXPECT_TRUE(volume.Append(t.volume).ok());
    }
  }
  std::shared_ptr<arrow::Array> a, b, c, d;
  EXPECT_TRUE(symbol.Finish(&a).ok() && ts.Finish(&b).ok() && price.Finish(&c).ok() && volume.Finish(&d).ok());
  auto ticks = arrow::Table::Make(arrow::schema({arrow::field("symbol", arrow::utf8()), arrow::field("ts", b->type()),
                                                 arrow::field("price", arrow::float64()),
                                                 arrow::field("volume", arrow::int64())}),
                                  {a, b, c, d});
  auto features = transform::TickFeatures(ticks);
  EXPECT_TRUE(features.ok()) << features.status();
  return features.ok() ? *features : nullptr;
}

// A lake holding the generated gold/tick_features; trains a small model on it.
class TickLakeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::remove_all(lake_);
    features_ = GeneratedTickFeatures();
    ASSERT_NE(features_, nullptr);
    ASSERT_GT(features_->num_rows(), 1000);
    ASSERT_TRUE(WriteLakeTable(lake_.string(), "gold/tick_features", features_).ok());
  }
  void TearDown() override { std::filesystem::remove_all(lake_); }

  Result<TickTrainReport> Train() {
    TickTrainOptions options;
    options.lake_uri = lake_.string();
    options.register_model = false;
    options.params = {{"objective", "binary:logistic"}, {"num_boost_round", 30}, {"max_depth", 3}};
    return TrainTickModel(options);
  }

  const std::filesystem::path lake_ =
      std::filesystem::temp_directory_path() / ("medallion-ticks-test-" + std::to_string(::getpid()));
  std::shared_ptr<arrow::Table> features_;
};

TEST_F(TickLakeTest, TrainsScoresAgainstTheBaselineAndWritesPredictions) {
  const auto& lake = lake_;
  const auto& features = features_;
  auto report = Train();
  ASSERT_TRUE(report.ok()) << report.status();
  const size_t labelled = report->train_rows + report->test_rows;
  EXPECT_NEAR(static_cast<double>(report->test_rows), 0.2 * static_cast<double>(labelled), 1.0);
  EXPECT_EQ(report->model.count, report->test_rows);
  EXPECT_EQ(report->majority_baseline.count, report->test_rows);
  EXPECT_DOUBLE_EQ(report->majority_baseline.roc_auc, 0.5);
  EXPECT_GT(report->model.roc_auc, 0.0);
  EXPECT_LE(report->model.roc_auc, 1.0);
  ASSERT_FALSE(report->importance.empty());
  for (const auto& f : report->importance) {
    EXPECT_NE(std::find(TickFeatureNames().begin(), TickFeatureNames().end(), f.feature), TickFeatureNames().end());
  }

  auto predictions = ReadLakeTable(lake.string(), "gold/tick_predictions");
  ASSERT_TRUE(predictions.ok()) << predictions.status();
  // Every tick is scored, each symbol's last one (no label yet) included.
  EXPECT_EQ((*predictions)->num_rows(), features->num_rows());
  for (const char* column : {"symbol", "ts", "prob_up", "predicted_direction", "model_version"}) {
    EXPECT_NE((*predictions)->GetColumnByName(column), nullptr) << column;
  }
  EXPECT_NE(report->ToString().find("majority baseline"), std::string::npos);
}

// The accuracy the Markets page shows is read from gold/tick_predictions over
// rows with in_sample = false: those must be exactly the test ticks, all later
// than every tick the model was fitted on, and their accuracy the report's.
TEST_F(TickLakeTest, PublishedAccuracyIsOnTicksTheModelNeverSaw) {
  const auto& lake = lake_;
  const auto& features = features_;
  auto report = Train();
  ASSERT_TRUE(report.ok()) << report.status();

  // Outcome of each tick, by symbol and time.
  auto symbols = transform::ReadString(*features, "symbol");
  auto times = transform::ReadInt64(*features, "ts");
  auto labels = FeatureMatrix::FromArrowTable(*features, std::vector<std::string>{"next_direction"});
  ASSERT_TRUE(symbols.ok() && times.ok() && labels.ok());
  std::map<std::pair<std::string, int64_t>, double> outcome;
  for (size_t r = 0; r < symbols->size(); ++r) outcome[{(*symbols)[r], (*times)[r]}] = labels->at(r, 0);

  auto predictions = ReadLakeTable(lake.string(), "gold/tick_predictions");
  ASSERT_TRUE(predictions.ok()) << predictions.status();
  auto in_sample_column = (*predictions)->GetColumnByName("in_sample");
  ASSERT_NE(in_sample_column, nullptr);
  auto p_symbols = transform::ReadString(**predictions, "symbol");
  auto p_times = transform::ReadInt64(**predictions, "ts");
  auto p_direction = FeatureMatrix::FromArrowTable(**predictions, std::vector<std::string>{"predicted_direction"});
  ASSERT_TRUE(p_symbols.ok() && p_times.ok() && p_direction.ok());

  int64_t latest_in_sample = std::numeric_limits<int64_t>::min();
  int64_t earliest_out_of_sample = std::numeric_limits<int64_t>::max();
  size_t trained_labelled = 0, scored = 0, right = 0;
  size_t row = 0;
  for (const auto& chunk : in_sample_column->chunks()) {
    const auto& flags = static_cast<const arrow::BooleanArray&>(*chunk);
    for (int64_t i = 0; i < flags.length(); ++i, ++row) {
      ASSERT_FALSE(flags.IsNull(i));
      const int64_t ts = (*p_times)[row];
      const double truth = outcome.at({(*p_symbols)[row], ts});
      EXPECT_EQ(flags.Value(i), ts < report->cutoff_ts) << "row " << row;
      if (flags.Value(i)) {
        latest_in_sample = std::max(latest_in_sample, ts);
        trained_labelled += std::isnan(truth) ? 0 : 1;
        continue;
      }
      earliest_out_of_sample = std::min(earliest_out_of_sample, ts);
      if (std::isnan(truth)) continue;
      ++scored;
      right += (p_direction->at(row, 0) > 0.5) == (truth > 0.5) ? 1 : 0;
    }
  }
  EXPECT_LT(latest_in_sample, earliest_out_of_sample);
  EXPECT_EQ(trained_labelled, report->train_rows);
  EXPECT_EQ(scored, report->test_rows);
  ASSERT_GT(scored, 0u);
  EXPECT_DOUBLE_EQ(static_cast<double>(right) / static_cast<double>(scored), report->model.accuracy);
}

TEST(TickJobTest, MissingTableSaysWhatBuildsIt) {
  TickTrainOptions options;
  options.lake_uri = (std::filesystem::temp_directory_path() / "medallion-no-such-lake").string();
  options.register_model = false;
  auto report = TrainTickModel(options);
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.status().ToString().find("tick features"), std::string::npos) << report.status();
}

}  // namespace
}  // namespace medallion::ml
