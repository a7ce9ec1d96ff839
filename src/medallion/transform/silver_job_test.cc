#include "medallion/transform/silver_job.h"

#include <arrow/api.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "medallion/delta/scan.h"
#include "medallion/ingest/bronze_schema.h"
#include "medallion/ingest/orders_generator.h"
#include "medallion/transform/silver_schema.h"
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

  // Replaces the lake's rates table content with `rates` (as a Spark
  // overwrite would: remove every file, add one); returns the new version.
  int64_t SetRates(const std::map<std::string, double>& rates) {
    auto table = CurrencyRates::OpenOrSeed((lake_ / "silver/currency_rates").string());
    EXPECT_TRUE(table.ok()) << table.status();
    arrow::StringBuilder currencies;
    arrow::DoubleBuilder units;
    for (const auto& [code, per_usd] : rates) {
      EXPECT_TRUE(currencies.Append(code).ok());
      EXPECT_TRUE(units.Append(per_usd).ok());
    }
    auto rows = arrow::Table::Make(
        arrow::schema({arrow::field("currency", arrow::utf8(), false), arrow::field("units_per_usd", arrow::float64(), false)}),
        {currencies.Finish().ValueOrDie(), units.Finish().ValueOrDie()});
    delta::CommitRequest remove_all;
    for (const auto& [path, add] : (*table)->snapshot()->files()) {
      remove_all.actions.push_back(delta::RemoveFile{.path = path, .deletion_timestamp = delta::NowMillis(), .data_change = true});
    }
    EXPECT_TRUE((*table)->CommitActions(std::move(remove_all)).ok());
    auto written = (*table)->Append(rows);
    EXPECT_TRUE(written.ok()) << written.status();
    return (*table)->snapshot()->version();
  }

  static std::map<std::string, double> DefaultsWithout(const std::string& code) {
    auto rates = CurrencyRates::Defaults().units_per_usd();
    rates.erase(code);
    return rates;
  }

  // Bronze offsets of the rows of `table` ("silver/orders" or
  // "silver/orders_quarantine"); for the quarantine, only rows whose reason
  // mentions `reason`.
  std::set<int64_t> Offsets(const std::string& table, const std::string& reason = "") {
    auto opened = delta::Table::Open((lake_ / table).string());
    EXPECT_TRUE(opened.ok()) << opened.status();
    auto rows = delta::ScanToTable((*opened)->store(), *(*opened)->snapshot(), {});
    EXPECT_TRUE(rows.ok()) << rows.status();
    auto combined = (*rows)->CombineChunks().ValueOrDie();
    std::set<int64_t> offsets;
    if (combined->num_rows() == 0) return offsets;
    auto offset = std::static_pointer_cast<arrow::Int64Array>(combined->GetColumnByName("offset")->chunk(0));
    auto reasons = combined->GetColumnByName("quarantine_reason");
    for (int64_t i = 0; i < offset->length(); ++i) {
      if (reasons) {
        auto r = std::static_pointer_cast<arrow::StringArray>(reasons->chunk(0));
        if (r->GetString(i).find(reason) == std::string::npos) continue;
      }
      offsets.insert(offset->Value(i));
    }
    return offsets;
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

TEST_F(SilverJobTest, RatesComeFromTheLakesCurrencyTableWhichAUserCanChange) {
  AppendBronze(0, 150);
  {
    auto job = SilverJob::Open(Options());
    ASSERT_TRUE(job.ok()) << job.status();
    ASSERT_TRUE((*job)->CatchUp().ok());
  }
  const std::string rates_uri = (lake_ / "silver/currency_rates").string();
  auto seeded = CurrencyRates::LoadOrSeed(rates_uri);
  ASSERT_TRUE(seeded.ok()) << seeded.status();
  EXPECT_EQ(seeded->units_per_usd(), CurrencyRates::Defaults().units_per_usd());
  auto rates_table = *delta::Table::Open(rates_uri);
  const int64_t seeded_version = rates_table->snapshot()->version();

  // Someone removes the yen (as a Spark overwrite would): later Tokyo orders
  // wait in quarantine instead of being summed with a guessed rate.
  SetRates(DefaultsWithout("JPY"));
  EXPECT_EQ(CurrencyRates::LoadOrSeed(rates_uri)->units_per_usd().count("JPY"), 0u);  // not re-seeded
  EXPECT_GT(rates_table->Refresh().value()->version(), seeded_version);

  AppendBronze(150, 300);
  auto job = SilverJob::Open(Options());
  ASSERT_TRUE(job.ok()) << job.status();
  auto stats = (*job)->CatchUp();
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_GT(stats->quarantined, 0);
  EXPECT_EQ(stats->silver_rows + stats->quarantined + stats->dropped, 150);
  auto quarantine = *delta::Table::Open((lake_ / "silver/orders_quarantine").string());
  auto reasons = *delta::ScanToTable(quarantine->store(), *quarantine->snapshot(), {});
  int64_t yen = 0;
  auto column = reasons->GetColumnByName("quarantine_reason");
  for (const auto& chunk : column->chunks()) {
    auto a = std::static_pointer_cast<arrow::StringArray>(chunk);
    for (int64_t i = 0; i < a->length(); ++i) yen += a->GetString(i).find("currency 'JPY' has no rate") != std::string::npos;
  }
  EXPECT_EQ(yen, stats->quarantined);
}

TEST_F(SilverJobTest, ARateAddedWhileTheJobRunsAppliesFromItsNextBatch) {
  SetRates(DefaultsWithout("JPY"));
  AppendBronze(0, 150);
  auto job = SilverJob::Open(Options());
  ASSERT_TRUE(job.ok()) << job.status();
  ASSERT_TRUE((*job)->CatchUp().ok());
  const auto waiting = Offsets("silver/orders_quarantine", "currency 'JPY' has no rate");
  ASSERT_FALSE(waiting.empty());

  SetRates(CurrencyRates::Defaults().units_per_usd());  // the same job, not reopened
  AppendBronze(150, 300);
  auto stats = (*job)->CatchUp();
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(Offsets("silver/orders_quarantine", "currency 'JPY' has no rate"), waiting);  // none added
  const auto silver = Offsets("silver/orders");
  int64_t later_yen = 0;
  for (int64_t offset = 150; offset < 300; ++offset) later_yen += silver.count(offset) && events_[offset].value.find("\"JPY\"") != std::string::npos;
  EXPECT_GT(later_yen, 0);
  // The reason names the table lake-relative: the quality API serves it.
  EXPECT_FALSE(Offsets("silver/orders_quarantine", "in silver/currency_rates: add it there").empty());
  EXPECT_TRUE(Offsets("silver/orders_quarantine", lake_.string()).empty());
}

TEST_F(SilverJobTest, ABatchRedoneAfterACrashConvertsWithTheRatesItsFirstRunUsed) {
  SetRates(DefaultsWithout("JPY"));
  AppendBronze(0, 100);
  AppendBronze(100, 200);
  AppendBronze(200, 300);
  {  // a run that quarantines the yen orders of Bronze 0..3, then "crashes" before Silver's commit counts
    auto options = Options();
    options.max_versions_per_batch = 10;
    auto job = SilverJob::Open(options);
    ASSERT_TRUE(job.ok()) << job.status();
    SilverRunStats stats;
    ASSERT_TRUE((*job)->RunBatch(&stats).ok());
  }
  const auto quarantined = Offsets("silver/orders_quarantine", "currency 'JPY' has no rate");
  ASSERT_FALSE(quarantined.empty());
  auto silver = *delta::Table::Open((lake_ / "silver/orders").string());
  ASSERT_TRUE(silver->CommitActions([&] {
    delta::CommitRequest undo;  // roll Silver back as if its commit never happened
    for (const auto& [path, add] : silver->snapshot()->files()) {
      undo.actions.push_back(delta::RemoveFile{.path = add.path, .deletion_timestamp = delta::NowMillis(), .data_change = true});
    }
    undo.actions.push_back(delta::Txn{"silver-orders", -1, std::nullopt});
    return undo;
  }()).ok());
  // Before the restart someone adds the yen back.
  SetRates(CurrencyRates::Defaults().units_per_usd());

  auto job = SilverJob::Open(Options());
  ASSERT_TRUE(job.ok()) << job.status();
  auto stats = (*job)->CatchUp();
  ASSERT_TRUE(stats.ok()) << stats.status();
  // The redo converts like the run whose quarantine commit stands: each
  // order is in exactly one of Silver and the quarantine.
  const auto in_silver = Offsets("silver/orders");
  EXPECT_EQ(Offsets("silver/orders_quarantine"), quarantined);
  for (int64_t offset : quarantined) EXPECT_EQ(in_silver.count(offset), 0u) << offset;
  EXPECT_EQ(in_silver.size() + quarantined.size(), 300u);
}

TEST_F(SilverJobTest, ASilverTableFromBeforeTheDollarColumnIsRefusedWithTheWayOut) {
  AppendBronze(0, 10);
  auto old_schema = *SilverOrdersSchema()->RemoveField(SilverOrdersSchema()->GetFieldIndex("total_amount_usd"));
  auto store = *storage::OpenObjectStore((lake_ / "silver/orders").string());
  delta::CreateOptions create;
  create.schema = old_schema;
  create.partition_columns = {kSilverPartitionColumn};
  ASSERT_TRUE(delta::Table::Create(store, create).ok());
  auto job = SilverJob::Open(Options());
  ASSERT_FALSE(job.ok());
  EXPECT_NE(job.status().message().find("no column 'total_amount_usd'"), std::string::npos) << job.status();
  EXPECT_NE(job.status().message().find("Silver and Gold are rebuilt from Bronze: remove"), std::string::npos)
      << job.status();
  EXPECT_NE(job.status().message().find((lake_ / "gold").string()), std::string::npos) << job.status();
  EXPECT_NE(job.status().message().find("retrain the forecast models"), std::string::npos) << job.status();
}

TEST(SilverJobUris, DefaultsFollowTheLakeLayout) {
  EXPECT_EQ(DefaultQuarantineUri("/lake/silver/orders/"), "/lake/silver/orders_quarantine");
  EXPECT_EQ(DefaultMetricsUri("/lake/silver/orders"), "/lake/gold/quality_metrics");
  EXPECT_EQ(DefaultMetricsUri("s3://b/p/silver/orders"), "s3://b/p/gold/quality_metrics");
  EXPECT_EQ(DefaultCurrencyRatesUri("s3://b/p/silver/orders"), "s3://b/p/silver/currency_rates");
}

}  // namespace
}  // namespace medallion::transform
