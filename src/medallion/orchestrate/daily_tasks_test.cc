#include "medallion/orchestrate/daily_tasks.h"

#include <arrow/api.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <utility>

#include "medallion/delta/scan.h"
#include "medallion/delta/table.h"
#include "medallion/ingest/bronze_schema.h"
#include "medallion/ingest/orders_generator.h"
#include "medallion/orchestrate/lake_layout.h"
#include "medallion/orchestrate/runner.h"
#include "medallion/orchestrate/test_support.h"
#include "medallion/transform/silver_test_support.h"

namespace medallion::orchestrate {
namespace {

using ::testing::HasSubstr;

constexpr int32_t kFirstDay = 19875;  // 2024-06-01
constexpr char kSecondDate[] = "2024-06-02";

class DailyTasksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::ScratchDir("daily_tasks");
    lake_ = (dir_ / "lake").string();
    ::setenv("MEDALLION_QUALITY_DIR", std::filesystem::path(transform::testing::DefaultSuitePath()).parent_path().c_str(), 1);
    // Three days of orders in one Bronze commit, as ingest would write them.
    ingest::OrdersOptions options;
    options.num_products = 12;
    options.num_customers = 100;
    options.total_daily_units = 150;
    ingest::OrdersGenerator generator(options);
    std::vector<ingest::KafkaRecord> records;
    for (int32_t day = kFirstDay; day < kFirstDay + 3; ++day) {
      for (const auto& e : generator.Day(day)) records.push_back(generator.Encode(e));
    }
    auto store = *storage::OpenObjectStore(lake_ + "/bronze/orders");
    delta::CreateOptions create;
    create.schema = ingest::BronzeSchema();
    create.partition_columns = {"ingest_date"};
    auto bronze = delta::Table::OpenOrCreate(store, create);
    ASSERT_TRUE(bronze.ok()) << bronze.status();
    const int64_t ingest_us = (int64_t{kFirstDay} + 3) * 86'400'000'000LL;
    ASSERT_TRUE((*bronze)->Append(transform::testing::BronzeTable(records, ingest_us)).ok());
  }
  void TearDown() override {
    ::unsetenv("MEDALLION_QUALITY_DIR");
    std::filesystem::remove_all(dir_);
  }

  // The daily DAG's data tasks (the model tasks have their own stage).
  Dag DataDag() {
    Dag dag("daily");
    EXPECT_TRUE(dag.AddTask(MakeBronzeToSilverTask()).ok());
    EXPECT_TRUE(dag.AddTask(MakeValidateDataQualityTask(), {"bronze_to_silver"}).ok());
    EXPECT_TRUE(dag.AddTask(MakeBuildGoldFeaturesTask(), {"validate_data_quality"}).ok());
    return dag;
  }

  std::unique_ptr<Runner> OpenRunner(bool force) {
    RunnerOptions options;
    options.lake_root = lake_;
    options.runs_dir = (dir_ / "runs").string();
    options.force = force;
    auto runner = Runner::Open(options);
    EXPECT_TRUE(runner.ok()) << runner.status();
    return std::move(*runner);
  }

  std::shared_ptr<arrow::Table> Read(const std::string& table, const std::string& where = "") {
    auto t = delta::Table::Open(lake_ + "/" + table);
    EXPECT_TRUE(t.ok()) << t.status();
    delta::ScanOptions scan;
    if (!where.empty()) scan.filter = *delta::ParsePredicate(where, *(*t)->snapshot()->schema());
    auto rows = delta::ScanToTable((*t)->store(), *(*t)->snapshot(), scan);
    EXPECT_TRUE(rows.ok()) << rows.status();
    return *rows;
  }

  int64_t Version(const std::string& table) { return (*delta::Table::Open(lake_ + "/" + table))->snapshot()->version(); }

  // (event_date, product_id) of gold/features_daily; a multiset so duplicates show.
  std::multiset<std::pair<std::string, std::string>> FeatureKeys() {
    auto rows = Read("gold/features_daily");
    std::multiset<std::pair<std::string, std::string>> keys;
    for (int64_t i = 0; i < rows->num_rows(); ++i) {
      keys.emplace((*rows->GetColumnByName("event_date")->GetScalar(i))->ToString(),
                   (*rows->GetColumnByName("product_id")->GetScalar(i))->ToString());
    }
    return keys;
  }

  // Every row of `table` as text, so two builds compare by content.
  std::multiset<std::string> Rows(const std::string& table) {
    auto rows = Read(table);
    std::multiset<std::string> out;
    for (int64_t i = 0; i < rows->num_rows(); ++i) {
      std::string row;
      for (const auto& column : rows->columns()) row += (*column->GetScalar(i))->ToString() + "|";
      out.insert(row);
    }
    return out;
  }

  Dag DataDagBuildingGoldThrough(int32_t last_day) {
    Dag dag("daily");
    EXPECT_TRUE(dag.AddTask(MakeBronzeToSilverTask()).ok());
    EXPECT_TRUE(dag.AddTask(MakeValidateDataQualityTask(), {"bronze_to_silver"}).ok());
    EXPECT_TRUE(dag.AddTask(MakeBuildGoldFeaturesThroughTask(last_day), {"validate_data_quality"}).ok());
    return dag;
  }

  std::filesystem::path dir_;
  std::string lake_;
};

TEST_F(DailyTasksTest, OnePassGoldBackfillWritesWhatThePerDateJobWrites) {
  auto runner = OpenRunner(false);
  const int32_t last_day = kFirstDay + 2;
  const auto bulk = DataDagBuildingGoldThrough(last_day);
  for (const char* date : {"2024-06-01", "2024-06-02", "2024-06-03"}) {
    auto run = runner->RunDag(bulk, date);
    ASSERT_TRUE(run.ok()) << run.status();
    ASSERT_TRUE(run->ok()) << run->ToStatus();
  }
  // The pass ran (from the day every product had been seen) and was recorded.
  auto built = runner->store().GetState("daily", "build_gold_features", "built-through");
  ASSERT_TRUE(built.ok()) << built.status();
  ASSERT_TRUE(built->has_value());
  EXPECT_THAT(**built, ::testing::StartsWith(std::to_string(last_day) + " "));
  const int64_t version = Version("gold/features_daily");
  const auto features = Rows("gold/features_daily");
  const auto sales = Rows("gold/sales_daily");

  // The per-date job over the same dates replaces each partition with the same rows.
  auto per_date = OpenRunner(/*force=*/true);
  for (const char* date : {"2024-06-01", "2024-06-02", "2024-06-03"}) ASSERT_TRUE(per_date->RunDag(DataDag(), date)->ok());
  EXPECT_GT(Version("gold/features_daily"), version);
  EXPECT_EQ(Rows("gold/features_daily"), features);
  EXPECT_EQ(Rows("gold/sales_daily"), sales);
}

TEST_F(DailyTasksTest, OnePassGoldBuildsAgainWhenSilverMoved) {
  auto runner = OpenRunner(/*force=*/true);
  const auto bulk = DataDagBuildingGoldThrough(kFirstDay + 2);
  ASSERT_TRUE(runner->RunDag(bulk, "2024-06-01")->ok());
  const int64_t version = Version("gold/features_daily");
  // Silver gets a new commit (more Bronze): the pass's rows may be stale.
  ingest::OrdersOptions options;
  options.num_products = 12;
  options.seed = 7;
  ingest::OrdersGenerator generator(options);
  std::vector<ingest::KafkaRecord> records;
  for (const auto& e : generator.Day(kFirstDay + 1)) records.push_back(generator.Encode(e));
  auto bronze = delta::Table::Open(lake_ + "/bronze/orders");
  ASSERT_TRUE(bronze.ok()) << bronze.status();
  ASSERT_TRUE((*bronze)->Append(transform::testing::BronzeTable(records, (int64_t{kFirstDay} + 3) * 86'400'000'000LL)).ok());
  ASSERT_TRUE(runner->RunDag(bulk, "2024-06-02")->ok());
  EXPECT_GT(Version("gold/features_daily"), version);
}

TEST_F(DailyTasksTest, DataTasksBuildSilverQualityAndGoldForTheDate) {
  auto runner = OpenRunner(false);
  auto run = runner->RunDag(DataDag(), kSecondDate);
  ASSERT_TRUE(run.ok()) << run.status();
  ASSERT_TRUE(run->ok()) << run->ToStatus();

  EXPECT_GT(Read("silver/orders")->num_rows(), 0);
  auto metrics = Read("gold/quality_metrics", "run_id = 'daily-2024-06-02'");
  EXPECT_GT(metrics->num_rows(), 0);
  auto features = Read("gold/features_daily", "event_date = '2024-06-02'");
  EXPECT_EQ(features->num_rows(), 12);  // one row per product
  EXPECT_EQ(Read("gold/features_daily", "event_date = '2024-06-03'")->num_rows(), 0);  // only the logical date
}

TEST_F(DailyTasksTest, ForcedReRunOfADateDuplicatesNothing) {
  ASSERT_TRUE(OpenRunner(false)->RunDag(DataDag(), kSecondDate)->ok());
  const auto keys = FeatureKeys();
  const int64_t silver_rows = Read("silver/orders")->num_rows();
  const int64_t silver_version = Version("silver/orders");
  const int64_t metric_rows = Read("gold/quality_metrics")->num_rows();
  const int64_t sales_rows = Read("gold/sales_daily")->num_rows();

  auto again = OpenRunner(/*force=*/true)->RunDag(DataDag(), kSecondDate);
  ASSERT_TRUE(again.ok()) << again.status();
  ASSERT_TRUE(again->ok()) << again->ToStatus();
  for (const auto& t : again->tasks) EXPECT_EQ(t.tries, 1) << t.task;  // really ran again
  EXPECT_EQ(FeatureKeys(), keys);
  EXPECT_EQ(std::set(keys.begin(), keys.end()).size(), keys.size());
  EXPECT_EQ(Read("silver/orders")->num_rows(), silver_rows);
  EXPECT_EQ(Version("silver/orders"), silver_version);  // nothing pending: no commit
  EXPECT_EQ(Read("gold/quality_metrics")->num_rows(), metric_rows);
  EXPECT_EQ(Read("gold/sales_daily")->num_rows(), sales_rows);
}

TEST_F(DailyTasksTest, AFailLevelExpectationFailsTheTaskAndStopsGold) {
  // Silver first, with the shipped suite; then a day-level rule the day breaks.
  testing::StandaloneContext standalone(lake_, kSecondDate);
  ASSERT_TRUE(MakeBronzeToSilverTask().run(standalone.context).ok());
  auto suites = dir_ / "suites";
  std::filesystem::create_directories(suites);
  std::ofstream(suites / "orders_suite.yaml") << "name: strict\n"
                                                 "expectations:\n"
                                                 "  - type: expect_table_row_count_to_be_between\n"
                                                 "    min_value: 0\n"
                                                 "    max_value: 5\n"
                                                 "    action: fail\n";
  ::setenv("MEDALLION_QUALITY_DIR", suites.c_str(), 1);
  auto run = OpenRunner(false)->RunDag(DataDag(), kSecondDate);
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_FALSE(run->ok());
  EXPECT_EQ(run->tasks[0].state, "success");  // nothing pending: no batch to validate
  EXPECT_EQ(run->tasks[1].state, "failed");
  EXPECT_EQ(run->tasks[1].tries, 1);  // bad data is not retried
  EXPECT_THAT(run->tasks[1].error, HasSubstr("expect_table_row_count_to_be_between"));
  EXPECT_EQ(run->tasks[2].state, "upstream_failed");
  EXPECT_GT(Read("gold/quality_metrics", "run_id = 'daily-2024-06-02'")->num_rows(), 0);  // results kept
}

TEST_F(DailyTasksTest, QualityDirWinsAndAMissingSuiteNamesWhereItLooked) {
  auto suites = dir_ / "suites";
  std::filesystem::create_directories(suites);
  std::ofstream(suites / "orders_suite.yaml") << "name: mine\nexpectations: []\n";
  ::setenv("MEDALLION_QUALITY_DIR", suites.c_str(), 1);
  auto found = FindQualitySuite("orders");
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(*found, (suites / "orders_suite.yaml").string());
  auto missing = FindQualitySuite("no_such_entity");
  EXPECT_TRUE(missing.status().IsNotFound());
  EXPECT_THAT(missing.status().message(), HasSubstr((suites / "no_such_entity_suite.yaml").string()));
}

TEST(TrainingScheduleTest, WeeklyCountsBackFromTheAnchorSoTheAnchorTrains) {
  TrainingSchedule weekly;
  weekly.every_days = 7;
  weekly.anchor_day = 100;
  EXPECT_TRUE(IsTrainingDay(weekly, 100));
  EXPECT_TRUE(IsTrainingDay(weekly, 93));
  EXPECT_TRUE(IsTrainingDay(weekly, 107));  // the live phase keeps the rhythm
  EXPECT_FALSE(IsTrainingDay(weekly, 99));
  EXPECT_FALSE(IsTrainingDay(weekly, 101));
  TrainingSchedule daily;
  EXPECT_TRUE(IsTrainingDay(daily, 12345));
}

}  // namespace
}  // namespace medallion::orchestrate
