#include "medallion/ml/train_job.h"

#include <arrow/api.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "medallion/ml/demand_table.h"
#include "medallion/ml/lake_table.h"
#include "medallion/ml/load_csv.h"
#include "medallion/ml/synthetic.h"

namespace medallion::ml {
namespace {

class TempLake {
 public:
  TempLake() : path_(std::filesystem::temp_directory_path() / ("medallion-train-test-" + std::to_string(::getpid()) + "-" +
                                                               std::to_string(counter_++))) {
    std::filesystem::create_directories(path_);
  }
  ~TempLake() { std::filesystem::remove_all(path_); }
  std::string path() const { return path_.string(); }

 private:
  static inline int counter_ = 0;
  std::filesystem::path path_;
};

PanelSpec SyntheticPanel() {
  PanelSpec spec;
  spec.known_columns = {"price", "promo"};
  return spec;
}

void WriteSynthetic(const std::string& lake, int series, int days) {
  SyntheticSpec synthetic;
  synthetic.series = series;
  synthetic.days = days;
  auto table = MakeSyntheticDemand(synthetic);
  ASSERT_TRUE(table.ok()) << table.status();
  auto written = WriteLakeTable(lake, "datasets/synthetic", *table, {}, DemandTableProperties(SyntheticPanel(), 7));
  ASSERT_TRUE(written.ok()) << written.status();
}

TEST(ProductKeyTest, JoinsGoldIntegersWithGeneratorIds) {
  EXPECT_EQ(ProductKey("P00042"), "42");
  EXPECT_EQ(ProductKey("42"), "42");
  EXPECT_EQ(ProductKey("P00000"), "0");
  EXPECT_EQ(ProductKey("1_13"), "1_13");  // not a product number: kept as is
  EXPECT_EQ(ProductKey("store-7"), "store-7");
}

TEST(DemandTableSpecTest, GoldLayoutWithoutPropertiesAndMappingWithThem) {
  auto gold = DemandTableSpecFrom({});
  ASSERT_TRUE(gold.ok());
  EXPECT_EQ(gold->panel.target_column, "units");
  EXPECT_EQ(gold->panel.observed_columns, (std::vector<std::string>{"avg_price", "promo_share"}));

  PanelSpec weekly;
  weekly.series_column = "id";
  weekly.date_column = "Date";
  weekly.target_column = "Weekly_Sales";
  weekly.known_columns = {"IsHoliday"};
  weekly.period_days = 7;
  auto spec = DemandTableSpecFrom(DemandTableProperties(weekly, 52));
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->panel.series_column, "id");
  EXPECT_EQ(spec->panel.known_columns, (std::vector<std::string>{"IsHoliday"}));
  EXPECT_EQ(spec->panel.period_days, 7);
  EXPECT_EQ(spec->features.season, 52);
  EXPECT_FALSE(spec->features.calendar);

  auto bad = DemandTableSpecFrom({{"medallion.target_column", "y"}, {"medallion.period_days", "week"}});
  EXPECT_TRUE(bad.status().IsInvalidArgument());
  EXPECT_NE(bad.status().message().find("period_days"), std::string::npos);
}

TEST(TrainJobTest, PooledModelBeatsSeasonalNaiveAndReportsEveryHorizon) {
  TempLake lake;
  WriteSynthetic(lake.path(), 6, 150);
  TrainOptions options;
  options.lake_uri = lake.path();
  options.features_table = "datasets/synthetic";
  options.horizons = {1, 7};
  options.folds = 3;
  options.register_model = false;
  options.params = {{"objective", "reg:squarederror"}, {"num_boost_round", 120}, {"eta", 0.08}, {"max_depth", 4}};
  auto report = TrainDemandModel(options);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->version, -1);
  EXPECT_EQ(report->series, 6u);
  EXPECT_EQ(report->trained_on_version, 1);  // created, then written
  ASSERT_EQ(report->backtest.horizons.size(), 7u);  // one model answers 1..7
  for (const auto& h : report->backtest.horizons) {
    SCOPED_TRACE("horizon " + std::to_string(h.horizon));
    EXPECT_EQ(h.model.count, 3u * 7u * 6u);
    EXPECT_LT(h.model.wape, 0.85 * h.seasonal_naive.wape);
  }
  // The horizon is a feature of the single model.
  EXPECT_NE(std::find(report->features.begin(), report->features.end(), "horizon"), report->features.end());
  EXPECT_FALSE(report->importance.empty());
  const auto& m = report->metrics;
  EXPECT_DOUBLE_EQ(m["by_horizon"]["1"]["wape"].get<double>(), report->backtest.horizons[0].model.wape);
  EXPECT_DOUBLE_EQ(m["seasonal_naive"]["overall"]["wape"].get<double>(), report->backtest.overall_seasonal_naive.wape);
  EXPECT_TRUE(m["by_horizon"]["7"]["residual_quantiles"].contains("0.9"));
  EXPECT_NE(report->ToString().find("horizon 7:"), std::string::npos);
}

TEST(TrainJobTest, AsOfLimitsTheHistory) {
  TempLake lake;
  WriteSynthetic(lake.path(), 3, 150);
  TrainOptions options;
  options.lake_uri = lake.path();
  options.features_table = "datasets/synthetic";
  options.kind = "ridge";
  options.folds = 2;
  options.register_model = false;
  options.as_of = "2024-04-30";  // the synthetic days start on 2024-01-01
  auto report = TrainDemandModel(options);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->last_day, "2024-04-30");
  EXPECT_EQ(report->first_day, "2024-01-01");
  options.as_of = "2023-12-01";
  EXPECT_TRUE(TrainDemandModel(options).status().IsInvalidArgument());
  options.as_of = "30/04/2024";
  EXPECT_TRUE(TrainDemandModel(options).status().IsInvalidArgument());
}

TEST(TrainJobTest, MissingTableIsNotFoundNamingIt) {
  TempLake lake;
  TrainOptions options;
  options.lake_uri = lake.path();
  options.register_model = false;
  auto report = TrainDemandModel(options);
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.status().ToString().find("gold/features_daily"), std::string::npos) << report.status();
}

TEST(LoadCsvTest, WeeklyMappingRoundTripsThroughTheLake) {
  TempLake lake;
  const std::string csv = lake.path() + "/sales.csv", yaml = lake.path() + "/mapping.yaml";
  // 2 series x 30 consecutive Fridays.
  {
    std::ofstream out(csv);
    out << "id,Date,Weekly_Sales,IsHoliday,Temperature\n";
    const int32_t first = 14645;  // 2010-02-05, a Friday
    for (int s = 0; s < 2; ++s) {
      for (int w = 0; w < 30; ++w) {
        out << "1_" << s + 1 << "," << FormatDay(first + 7 * w) << "," << 1000 * (s + 1) + 10 * w << ","
            << (w == 1 ? "TRUE" : "FALSE") << "," << (w % 3 == 0 ? "NA" : "42.5") << "\n";
      }
    }
  }
  std::ofstream(yaml) << "series: id\ndate: Date\ntarget: Weekly_Sales\nfrequency: weekly\nknown: [IsHoliday]\n"
                         "observed: Temperature\n";
  auto mapping = ReadColumnMapping(yaml);
  ASSERT_TRUE(mapping.ok()) << mapping.status();
  EXPECT_EQ(mapping->period_days, 7);
  auto loaded = LoadCsv(csv, lake.path(), "datasets/weekly", *mapping);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->rows, 60);

  auto table = ReadDemandTable(lake.path(), "datasets/weekly", "");
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ(table->spec.panel.period_days, 7);
  EXPECT_EQ(table->spec.features.season, 52);
  auto panel = Panel::FromTable(*table->rows, table->spec.panel);
  ASSERT_TRUE(panel.ok()) << panel.status();
  ASSERT_EQ(panel->series().size(), 2u);
  // Weekly rows are consecutive periods: no gaps between the Fridays.
  EXPECT_EQ(panel->series()[0].target.size(), 30u);
  EXPECT_DOUBLE_EQ(panel->series()[1].target[3], 2030);
  EXPECT_DOUBLE_EQ(panel->series()[0].known[0][1], 1.0);
  EXPECT_TRUE(std::isnan(panel->series()[0].observed[0][0]));  // "NA"
  // Periods map back to the CSV's own Fridays, not the Thursdays of date / 7.
  EXPECT_EQ(FormatDay(panel->DateOf(panel->first_day())), "2010-02-05");
  EXPECT_EQ(FormatDay(panel->DateOf(panel->last_observed_day())), FormatDay(14645 + 7 * 29));
  EXPECT_EQ(FormatDay(panel->DateOf(panel->series()[1].first_day + 1)), "2010-02-12");

  std::ofstream(yaml) << "series: id\ndate: Date\n";
  auto incomplete = ReadColumnMapping(yaml);
  EXPECT_TRUE(incomplete.status().IsInvalidArgument());
  EXPECT_NE(incomplete.status().message().find("target"), std::string::npos);
  std::ofstream(yaml) << "series: id\ndate: Date\ntarget: Sales\n";
  auto wrong_column = LoadCsv(csv, lake.path(), "datasets/other", *ReadColumnMapping(yaml));
  ASSERT_FALSE(wrong_column.ok());
  EXPECT_NE(wrong_column.status().message().find("'Sales'"), std::string::npos);
}

}  // namespace
}  // namespace medallion::ml
