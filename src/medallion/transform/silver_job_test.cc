#include "medallion/transform/silver_job.h"

#include <arrow/api.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "medallion/delta/scan.h"
#include "medallion/ingest/bronze_schema.h"
#include "medallion/ingest/orders_generator.h"
#include "medallion/transform/silver_test_support.h"

namespace medallion::transform {
namespace {

namespace fs = std::filesystem;

constexpr int32_t kDay = 19875;  // 2024-06-01
constexpr int64_t kIngest = (int64_t{kDay} + 1) * 86'400'000'000LL;

class SilverJobTest : public ::testing::Test {
 protected:
  void SetUp() override {
    lake_ = fs::temp_directory_path() /
            ("silver_job_test_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(lake_);
    ingest::OrdersOptions options;
    options.num_products = 20;
    options.num_customers = 100;
    ingest::OrdersGenerator generator(options);
    for (const auto& e : generator.Day(kDay)) events_.push_back(generator.Encode(e));
    events_.resize(300);
  }
  void TearDown() override { fs::remove_all(lake_); }

  // Appends events_[from, to) as one Bronze commit.
  void AppendBronze(size_t from, size_t to) {
    auto store = *storage::OpenObjectStore((lake_ / "bronze/orders").string());
    delta::CreateOptions create;
    create.schema = ingest::BronzeSchema();
    create.partition_columns = {"ingest_date"};
    auto table = delta::Table::OpenOrCreate(store, create);
    ASSERT_TRUE(table.ok()) << table.status();
    std::vector<ingest::KafkaRecord> slice(events_.begin() + from, events_.begin() + to);
    auto written = (*table)->Append(testing::BronzeTable(slice, kIngest, next_offset_));
    ASSERT_TRUE(written.ok()) << written.status();
    next_offset_ += static_cast<int64_t>(slice.size());
  }

  SilverJobOptions Options() {
    SilverJobOptions o;
    o.bronze_uri = (lake_ / "bronze/orders").string();
    o.silver_uri = (lake_ / "silver/orders").string();
    o.suite = testing::DefaultSuite();
    o.max_versions_per_batch = 2;
    return o;
  }

  std::multiset<std::string> SilverIds() {
    auto table = delta::Table::Open((lake_ / "silver/orders").string());
    EXPECT_TRUE(table.ok());
    delta::ScanOptions scan;
    scan.columns = {"event_id"};
    auto data = delta::ScanToTable((*table)->store(), *(*table)->snapshot(), scan);
    EXPECT_TRUE(data.ok()) << data.status();
    std::multiset<std::string> ids;
    for (const auto& chunk : (*data)->column(0)->chunks()) {
      auto a = std::static_pointer_cast<arrow::StringArray>(chunk);
      for (int64_t i = 0; i < a->length(); ++i) ids.insert(a->GetString(i));
    }
    return ids;
  }

  fs::path lake_;
  std::vector<ingest::KafkaRecord> events_;
  int64_t next_offset_ = 0;
};

TEST_F(SilverJobTest, ConsumesEachBronzeVersionOnceAcrossRestarts) {
  AppendBronze(0, 100);
  AppendBronze(100, 200);
  AppendBronze(200, 300);
  {
    auto job = SilverJob::Open(Options());
    ASSERT_TRUE(job.ok()) << job.status();
    auto stats = (*job)->CatchUp();
    ASSERT_TRUE(stats.ok()) << stats.status();
    EXPECT_EQ(stats->batches, 2);  // versions 0..1 (create + first append), then 2..3
    EXPECT_EQ(stats->silver_rows, 300);
    EXPECT_EQ(stats->bronze_version, 3);
    auto again = (*job)->CatchUp();
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->batches, 0);
  }
  // The same events delivered again after a restart: the rebuilt dedup state
  // rejects them, so Silver still holds each event once.
  AppendBronze(0, 300);
  auto job = SilverJob::Open(Options());
  ASSERT_TRUE(job.ok()) << job.status();
  auto stats = (*job)->CatchUp();
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->silver_rows, 0);
  EXPECT_EQ(stats->duplicates, 300);
  auto ids = SilverIds();
  EXPECT_EQ(ids.size(), 300u);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 300u);

  auto silver = *delta::Table::Open((lake_ / "silver/orders").string());
  EXPECT_EQ(silver->snapshot()->TxnVersion("silver-orders"), 4);
  auto quarantine = *delta::Table::Open((lake_ / "silver/orders_quarantine").string());
  EXPECT_EQ(quarantine->snapshot()->num_rows(), 300);
  EXPECT_EQ(quarantine->snapshot()->TxnVersion("silver-orders"), 4);
  auto metrics = *delta::Table::Open((lake_ / "gold/quality_metrics").string());
  EXPECT_EQ(metrics->snapshot()->TxnVersion("silver-orders"), 4);
  EXPECT_GT(metrics->snapshot()->num_rows(), 0);
}

TEST_F(SilverJobTest, RedoesExactlyTheBatchACrashLeftHalfCommitted) {
  AppendBronze(0, 100);
  AppendBronze(100, 200);
  AppendBronze(200, 300);
  AppendBronze(0, 100);  // duplicates, so the first batch quarantines rows
  // A crashed run: its quarantine commit for Bronze 0..2 exists, Silver's does not.
  {
    auto options = Options();
    options.max_versions_per_batch = 3;
    auto job = SilverJob::Open(options);
    ASSERT_TRUE(job.ok());
    SilverRunStats stats;
    ASSERT_TRUE((*job)->RunBatch(&stats).ok());
  }
  auto silver = *delta::Table::Open((lake_ / "silver/orders").string());
  const int64_t silver_version = silver->snapshot()->version();
  ASSERT_TRUE(silver->CommitActions([&] {
    delta::CommitRequest undo;  // roll Silver's txn back as if its commit never happened
    for (const auto& [path, add] : silver->snapshot()->files()) {
      delta::RemoveFile remove;
      remove.path = add.path;
      remove.data_change = true;
      undo.actions.push_back(remove);
    }
    undo.actions.push_back(delta::Txn{"silver-orders", -1, std::nullopt});
    return undo;
  }()).ok());
  ASSERT_GT(silver->snapshot()->version(), silver_version);

  // The restart uses a bigger batch size but must redo 0..2 exactly first.
  auto options = Options();
  options.max_versions_per_batch = 10;
  auto job = SilverJob::Open(options);
  ASSERT_TRUE(job.ok()) << job.status();
  SilverRunStats stats;
  auto did = (*job)->RunBatch(&stats);
  ASSERT_TRUE(did.ok()) << did.status();
  EXPECT_EQ(stats.bronze_version, 2);
  auto quarantine = *delta::Table::Open((lake_ / "silver/orders_quarantine").string());
  EXPECT_EQ(quarantine->snapshot()->num_rows(), 0);  // batch 0..2 had no bad rows
  auto rest = (*job)->CatchUp();
  ASSERT_TRUE(rest.ok()) << rest.status();
  EXPECT_EQ(SilverIds().size(), 300u);
  quarantine = *delta::Table::Open((lake_ / "silver/orders_quarantine").string());
  EXPECT_EQ(quarantine->snapshot()->num_rows(), 100);
}

TEST(SilverJobUris, DefaultsFollowTheLakeLayout) {
  EXPECT_EQ(DefaultQuarantineUri("/lake/silver/orders/"), "/lake/silver/orders_quarantine");
  EXPECT_EQ(DefaultMetricsUri("/lake/silver/orders"), "/lake/gold/quality_metrics");
  EXPECT_EQ(DefaultMetricsUri("s3://b/p/silver/orders"), "s3://b/p/gold/quality_metrics");
}

}  // namespace
}  // namespace medallion::transform
