#include "medallion/transform/stream_runner.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <set>
#include <thread>

#include "medallion/common/arrow_compute.h"
#include "medallion/ingest/orders_generator.h"
#include "medallion/transform/features_daily.h"
#include "medallion/transform/gold_job.h"
#include "medallion/transform/gold_tables.h"
#include "medallion/transform/rfm_scores.h"
#include "medallion/transform/silver_job.h"
#include "medallion/transform/stream_gold.h"
#include "medallion/transform/stream_gold_writer.h"
#include "medallion/transform/stream_tail.h"
#include "medallion/transform/stream_test_support.h"

namespace medallion::transform {
namespace {

using testing::ReadDelta;
using testing::SortedRows;
using testing::TempLake;

constexpr int32_t kFirstDay = 19875;  // 2024-06-01
constexpr int kDays = 3;
constexpr int64_t kIngest = (int64_t{kFirstDay} + kDays + 1) * 86'400'000'000LL;

// Orders of kDays days, a sample of each day, in 8 Bronze slices.
std::vector<std::vector<ingest::KafkaRecord>> OrderSlices() {
  ingest::OrdersOptions options;
  options.num_products = 15;
  options.num_customers = 80;
  options.total_daily_units = 300;
  ingest::OrdersGenerator generator(options);
  std::vector<ingest::KafkaRecord> all;
  for (int d = 0; d < kDays; ++d) {
    for (const auto& e : generator.Day(kFirstDay + d)) all.push_back(generator.Encode(e));
  }
  // A few copies of the last day's events (inside Silver's 48 h dedup
  // horizon): Silver must drop them, Gold never sees them twice.
  const size_t copies_from = all.size() * (kDays - 1) / kDays;
  for (size_t i = copies_from; i < all.size(); i += 29) all.push_back(all[i]);
  std::vector<std::vector<ingest::KafkaRecord>> slices(8);
  for (size_t i = 0; i < all.size(); ++i) slices[i * slices.size() / all.size()].push_back(all[i]);
  return slices;
}

StreamOptions Options(const TempLake& lake) {
  StreamOptions o;
  o.lake_uri = lake.uri();
  o.entities = {"orders"};
  o.orders_suite = testing::DefaultSuite();
  o.max_versions_per_batch = 2;
  o.status_interval_ms = 0;
  return o;
}

void RunUntilIdle(StreamRunner& runner) {
  for (int i = 0; i < 200; ++i) {
    auto moved = runner.RunOnce();
    ASSERT_TRUE(moved.ok()) << moved.status();
    if (!*moved) return;
  }
  FAIL() << "the runner never went idle";
}

// Runs the Silver job alone until it has consumed every Bronze version.
void CatchUpSilver(const TempLake& lake) {
  SilverJobOptions options;
  options.bronze_uri = lake.path("bronze/orders");
  options.silver_uri = lake.path("silver/orders");
  options.suite = testing::DefaultSuite();
  auto job = SilverJob::Open(options);
  ASSERT_TRUE(job.ok()) << job.status();
  auto caught_up = (*job)->CatchUp();
  ASSERT_TRUE(caught_up.ok()) << caught_up.status();
}

// `rows` with every total_amount_usd doubled.
std::shared_ptr<arrow::Table> WithDoubledDollars(const std::shared_ptr<arrow::Table>& rows) {
  const std::vector<double> amounts = *ReadDouble(*rows, "total_amount_usd");
  arrow::DoubleBuilder builder;
  for (double a : amounts) EXPECT_TRUE(builder.Append(2 * a).ok());
  const int column = rows->schema()->GetFieldIndex("total_amount_usd");
  return *rows->SetColumn(column, rows->schema()->field(column),
                          std::make_shared<arrow::ChunkedArray>(builder.Finish().ValueOrDie()));
}

// Every Gold table of the lake equals the batch functions on all of Silver.
void ExpectGoldEqualsBatch(const TempLake& lake) {
  auto silver_rows = ReadDelta(lake.path("silver/orders"));
  ASSERT_TRUE(silver_rows);
  ASSERT_GT(silver_rows->num_rows(), 0);
  auto silver = *WithNumericIds(silver_rows);
  auto dates = *ReadDate32(*silver, "event_date");
  const DateRange all{*std::min_element(dates.begin(), dates.end()), *std::max_element(dates.begin(), dates.end())};
  const std::map<std::string, std::shared_ptr<arrow::Table>> expected = {
      {"revenue_city_hourly", *RevenueCityHourly(silver, all)},
      {"revenue_product_daily", *RevenueProductDaily(silver, all)},
      {"sales_daily", *SalesDaily(silver, all)},
      {"category_daily", *CategoryDaily(silver, all)},
      {"top_products", *TopProducts(silver, all, 10)},
      {"country_daily", *CountryDaily(silver, all)},
      {"funnel_daily", *FunnelDaily(silver, all)},
      {"customer_rfm", *CustomerRfm(silver, all.to)},
      {"features_daily", *FeaturesDaily(silver, all)},
  };
  for (const auto& [name, batch] : expected) {
    SCOPED_TRACE(name);
    auto streamed = ReadDelta(lake.path("gold/" + name));
    ASSERT_TRUE(streamed);
    ASSERT_GT(batch->num_rows(), 0);
    EXPECT_EQ(SortedRows(*streamed, batch->schema()->field_names()), SortedRows(*batch, batch->schema()->field_names()));
  }
}

std::multiset<std::string> Column(const std::shared_ptr<arrow::Table>& t, const std::string& name) {
  auto values = *ReadString(*t, name);
  return {values.begin(), values.end()};
}

TEST(StreamRunnerTest, StreamingGoldEqualsTheBatchRecomputeOnTheSameSilver) {
  TempLake lake("stream_runner");
  auto runner = StreamRunner::Open(Options(lake));
  ASSERT_TRUE(runner.ok()) << runner.status();
  // Nothing in Bronze yet: a trigger is a no-op, not an error.
  auto idle = (*runner)->RunOnce();
  ASSERT_TRUE(idle.ok()) << idle.status();
  EXPECT_FALSE(*idle);
  for (const auto& slice : OrderSlices()) {
    lake.AppendBronze("orders", slice, kIngest);
    auto moved = (*runner)->RunOnce();
    ASSERT_TRUE(moved.ok()) << moved.status();
  }
  RunUntilIdle(**runner);
  ExpectGoldEqualsBatch(lake);

  // Silver holds each event once; the stats add up.
  auto silver = ReadDelta(lake.path("silver/orders"));
  auto ids = Column(silver, "event_id");
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size());
  const StreamStats stats = (*runner)->Stats();
  EXPECT_EQ(stats.silver.rows_out, silver->num_rows());
  EXPECT_GT(stats.quarantined, 0);  // the copies
  EXPECT_EQ(stats.bronze.rows_in, stats.silver.rows_out + stats.quarantined);
  EXPECT_EQ(stats.freshness.count(), silver->num_rows());
  EXPECT_GT(stats.gold.commits, 0);

  // The exported status file carries the same figures.
  ASSERT_TRUE((*runner)->WriteStatus().ok());
  std::ifstream in(lake.path(kStreamStatusPath));
  auto status = nlohmann::json::parse(in);
  EXPECT_EQ(status["layers"]["silver"]["rows_out"].get<int64_t>(), silver->num_rows());
  EXPECT_EQ(status["freshness_ms"]["count"].get<int64_t>(), silver->num_rows());
  EXPECT_TRUE(status["freshness_ms"].contains("p99"));
  // Finite bounds only, cumulative; these test events are years old, so
  // they all sit in the +Inf bucket that readers derive from the count.
  const auto& buckets = status["freshness_ms"]["buckets"];
  ASSERT_EQ(buckets.size(), LatencyHistogram::BucketBounds().size());
  EXPECT_EQ(buckets.back()[0].get<int64_t>(), LatencyHistogram::BucketBounds().back());
  EXPECT_EQ(buckets.back()[1].get<int64_t>(), 0);
}

// A crash between Silver and Gold: Silver moved on (its own job ran) but no
// Gold table consumed those versions. The next runner recomputes exactly the
// touched dates: same Gold as an uninterrupted run, nothing twice.
TEST(StreamRunnerTest, ExactlyOnceWhenARunDiesBetweenSilverAndGold) {
  TempLake crashed("stream_crashed"), steady("stream_steady");
  auto slices = OrderSlices();
  auto uninterrupted = StreamRunner::Open(Options(steady));
  ASSERT_TRUE(uninterrupted.ok()) << uninterrupted.status();
  for (size_t i = 0; i < slices.size(); ++i) {
    steady.AppendBronze("orders", slices[i], kIngest);
    crashed.AppendBronze("orders", slices[i], kIngest);
    ASSERT_TRUE((*uninterrupted)->RunOnce().ok());
    if (i % 3 == 1) {
      CatchUpSilver(crashed);  // only Silver ran before the "crash"
    } else {
      // A fresh process for every trigger: all progress comes from the logs.
      auto runner = StreamRunner::Open(Options(crashed));
      ASSERT_TRUE(runner.ok()) << runner.status();
      ASSERT_TRUE((*runner)->RunOnce().ok());
    }
  }
  RunUntilIdle(**uninterrupted);
  auto restarted = StreamRunner::Open(Options(crashed));
  ASSERT_TRUE(restarted.ok());
  RunUntilIdle(**restarted);

  ExpectGoldEqualsBatch(crashed);
  for (const std::string table : {"silver/orders", "gold/revenue_city_hourly", "gold/sales_daily",
                                  "gold/category_daily", "gold/revenue_city_5min", "gold/revenue_city_1h"}) {
    SCOPED_TRACE(table);
    auto a = ReadDelta(crashed.path(table));
    auto b = ReadDelta(steady.path(table));
    ASSERT_TRUE(a && b);
    std::vector<std::string> columns = b->schema()->field_names();
    // Coordinates differ only by Bronze commit grouping, which is the same here.
    EXPECT_EQ(SortedRows(*a, columns), SortedRows(*b, columns));
  }
  // Windows are emitted once each.
  auto windows = ReadDelta(crashed.path("gold/revenue_city_5min"));
  ASSERT_TRUE(windows);
  auto starts = *ReadInt64(*windows, "window_start");
  auto cities = *ReadString(*windows, "city");
  std::set<std::pair<int64_t, std::string>> keys;
  for (size_t i = 0; i < starts.size(); ++i) keys.insert({starts[i], cities[i]});
  EXPECT_EQ(keys.size(), starts.size());
  EXPECT_GT(keys.size(), 0u);
}

// The batch Gold job (`medallion gold`, the DAG's build_gold_features) and
// a user's job may replace Gold partitions the stream keeps. The stream must
// not add new Silver rows to rows such a writer put there (they may already
// hold those rows, or miss rows the stream had counted): it recomputes the
// dates they changed from Silver.
TEST(StreamRunnerTest, OtherWritersOfGoldAreNeitherCountedTwiceNorKept) {
  TempLake lake("stream_foreign_gold");
  auto runner = StreamRunner::Open(Options(lake));
  ASSERT_TRUE(runner.ok()) << runner.status();
  auto slices = OrderSlices();
  for (size_t i = 0; i < 4; ++i) {
    lake.AppendBronze("orders", slices[i], kIngest);
    ASSERT_TRUE((*runner)->RunOnce().ok());
  }
  RunUntilIdle(**runner);
  // The stream stops; Silver moves on without its Gold, then a batch run
  // rebuilds every Gold table from that Silver (it writes no stream txn).
  runner->reset();
  for (size_t i = 4; i < 6; ++i) lake.AppendBronze("orders", slices[i], kIngest);
  CatchUpSilver(lake);
  GoldJobOptions batch;
  batch.silver_uri = lake.path("silver/orders");
  batch.lake_uri = lake.uri();
  auto rebuilt = RunGoldJob(batch);
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status();
  runner = StreamRunner::Open(Options(lake));
  ASSERT_TRUE(runner.ok()) << runner.status();
  lake.AppendBronze("orders", slices[6], kIngest);
  RunUntilIdle(**runner);
  ExpectGoldEqualsBatch(lake);

  // Another writer replaces the first day's hourly revenue with wrong rows;
  // new Silver rows arrive for the last day only.
  const std::string hourly = lake.path("gold/revenue_city_hourly");
  auto rows = ReadDelta(hourly);
  ASSERT_TRUE(rows);
  auto first_day = *FilterRows(rows, arrow::compute::equal(arrow::compute::field_ref("event_date"),
                                                           arrow::compute::literal(arrow::Date32Scalar(kFirstDay))));
  ASSERT_GT(first_day->num_rows(), 0);
  const int revenue = first_day->schema()->GetFieldIndex("revenue");
  const std::vector<double> amounts = *ReadDouble(*first_day, "revenue");
  arrow::DoubleBuilder wrong;
  for (double a : amounts) ASSERT_TRUE(wrong.Append(a + 1000).ok());
  auto stale = *first_day->SetColumn(revenue, first_day->schema()->field(revenue),
                                     std::make_shared<arrow::ChunkedArray>(wrong.Finish().ValueOrDie()));
  auto table = delta::Table::Open(hourly);
  ASSERT_TRUE(table.ok());
  ASSERT_TRUE((*table)->OverwritePartitions(stale).ok());
  lake.AppendBronze("orders", slices[7], kIngest);
  RunUntilIdle(**runner);
  ExpectGoldEqualsBatch(lake);
}

// Another engine rewrites Silver rows mid-stream (a DELETE or UPDATE
// rewrites whole files; here the first day's files with the same rows). The
// windows must not count those rows again (nor call them late); the other
// Gold tables stay equal to a recompute.
TEST(StreamRunnerTest, RewrittenSilverRowsAreNotCountedAgainByTheWindows) {
  TempLake rewritten("stream_rewritten"), steady("stream_rewritten_steady");
  auto slices = OrderSlices();
  auto a = StreamRunner::Open(Options(rewritten));
  auto b = StreamRunner::Open(Options(steady));
  ASSERT_TRUE(a.ok() && b.ok());
  for (size_t i = 0; i < slices.size(); ++i) {
    rewritten.AppendBronze("orders", slices[i], kIngest);
    steady.AppendBronze("orders", slices[i], kIngest);
    ASSERT_TRUE((*a)->RunOnce().ok());
    ASSERT_TRUE((*b)->RunOnce().ok());
    if (i != 4) continue;
    auto silver = delta::Table::Open(rewritten.path("silver/orders"));
    ASSERT_TRUE(silver.ok());
    auto rows = *delta::ScanToTable((*silver)->store(), *(*silver)->snapshot(), {});
    auto first_day = *FilterRows(rows, arrow::compute::equal(arrow::compute::field_ref("event_date"),
                                                             arrow::compute::literal(arrow::Date32Scalar(kFirstDay))));
    ASSERT_GT(first_day->num_rows(), 0);
    auto rewrite = (*silver)->OverwritePartitions(first_day);
    ASSERT_TRUE(rewrite.ok()) << rewrite.status();
  }
  RunUntilIdle(**a);
  RunUntilIdle(**b);
  EXPECT_EQ((*a)->Stats().silver_rewrites_skipped, 1);
  EXPECT_EQ((*a)->Stats().late_events, (*b)->Stats().late_events);
  for (const std::string table : {"gold/revenue_city_5min", "gold/revenue_city_1h"}) {
    SCOPED_TRACE(table);
    auto got = ReadDelta(rewritten.path(table));
    auto want = ReadDelta(steady.path(table));
    ASSERT_TRUE(got && want);
    ASSERT_GT(want->num_rows(), 0);
    EXPECT_EQ(SortedRows(*got, want->schema()->field_names()), SortedRows(*want, want->schema()->field_names()));
  }
  ExpectGoldEqualsBatch(rewritten);
}

TEST(StreamRunnerTest, ClosedWindowsAndLateEventsAccountForEveryOrderOnce) {
  TempLake lake("stream_windows");
  auto runner = StreamRunner::Open(Options(lake));
  ASSERT_TRUE(runner.ok());
  auto slices = OrderSlices();
  // The last slice holds the newest events; replaying the first slice after
  // it makes its events late (their windows closed long ago).
  for (const auto& slice : slices) {
    lake.AppendBronze("orders", slice, kIngest);
    ASSERT_TRUE((*runner)->RunOnce().ok());
  }
  std::vector<ingest::KafkaRecord> late;
  ingest::OrdersOptions options;
  options.seed = 99;  // other event ids
  options.num_products = 15;
  options.num_customers = 80;
  options.total_daily_units = 300;
  ingest::OrdersGenerator other(options);
  for (const auto& e : other.Day(kFirstDay)) {
    if (e.type != ingest::OrderEventType::kOrderCreated) continue;
    late.push_back(other.Encode(e));
    if (late.size() == 5) break;
  }
  ASSERT_EQ(late.size(), 5u);
  lake.AppendBronze("orders", late, kIngest);
  RunUntilIdle(**runner);
  auto late_table = ReadDelta(lake.path("gold/late_events"));
  ASSERT_TRUE(late_table);
  // Each late order once per window size.
  EXPECT_EQ(late_table->num_rows(), 10);
  EXPECT_EQ((*runner)->Stats().late_events, 10);
  // Windows never count a late event: the 5-minute windows sum to at most
  // the on-time order revenue.
  auto silver = ReadDelta(lake.path("silver/orders"));
  auto types = *ReadString(*silver, "event_type");
  auto amounts = *ReadDouble(*silver, "total_amount_usd");
  double on_time = 0;
  for (size_t i = 0; i < types.size(); ++i) on_time += types[i] == "order_created" ? amounts[i] : 0;
  auto late_values = *ReadDouble(*late_table, "value");
  for (double v : late_values) on_time -= v / 2;
  auto windows = ReadDelta(lake.path("gold/revenue_city_5min"));
  ASSERT_TRUE(windows);
  double windowed = 0;
  const std::vector<double> sums = *ReadDouble(*windows, "sum");
  for (double v : sums) windowed += v;
  EXPECT_GT(windowed, 0);
  EXPECT_LE(windowed, on_time + 1e-6);
}

TEST(StreamRunnerTest, StartAndStopRunTriggersOnAThread) {
  TempLake lake("stream_thread");
  auto options = Options(lake);
  options.trigger_interval_ms = 10;
  auto runner = StreamRunner::Open(options);
  ASSERT_TRUE(runner.ok());
  ASSERT_TRUE((*runner)->Start().ok());
  EXPECT_FALSE((*runner)->Start().ok());  // once
  auto slices = OrderSlices();
  lake.AppendBronze("orders", slices[0], kIngest);
  // Wait (bounded) for the thread to carry the slice through to Gold.
  for (int i = 0; i < 3000 && (*runner)->Stats().gold.commits == 0 && (*runner)->Stats().last_error.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE((*runner)->Stop().ok());
  EXPECT_FALSE((*runner)->running());
  EXPECT_GT((*runner)->Stats().gold.commits, 0);
  EXPECT_GT((*runner)->Stats().triggers, 0);
  EXPECT_TRUE(std::filesystem::exists(lake.path(kStreamStatusPath)));
}

TEST(StreamRunnerTest, AFailedTriggerEndsTheLoopAndRunningSaysSo) {
  TempLake lake("stream_failed");
  auto options = Options(lake);
  options.trigger_interval_ms = 10;
  lake.AppendBronze("orders", OrderSlices()[0], kIngest);
  // Silver cannot be opened: a plain file where its directory should be.
  std::filesystem::create_directories(lake.path("silver"));
  { std::ofstream(lake.path("silver/orders")) << "not a table"; }
  auto runner = StreamRunner::Open(options);
  ASSERT_TRUE(runner.ok());
  ASSERT_TRUE((*runner)->Start().ok());
  for (int i = 0; i < 3000 && (*runner)->running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  // Callers that wait on running() (medallion stream, the demo's restart
  // loop) see the end instead of waiting on a loop that no longer runs.
  EXPECT_FALSE((*runner)->running());
  EXPECT_FALSE((*runner)->Stop().ok());
}

// The hourly update takes the Silver rows the runner already read instead of
// reading the files again, and reads them itself when they do not cover what
// it has not consumed. Doubled amounts in the given rows show which happened.
TEST(StreamGoldTest, HourlyUpdateUsesTheRowsItIsGivenOnlyWhenTheyCoverItsGap) {
  TempLake lake("hourly_given");
  auto slices = OrderSlices();
  lake.AppendBronze("orders", slices[0], kIngest);
  {
    auto runner = StreamRunner::Open(Options(lake));
    ASSERT_TRUE(runner.ok()) << runner.status();
    RunUntilIdle(**runner);
  }
  lake.AppendBronze("orders", slices[1], kIngest);
  CatchUpSilver(lake);

  auto silver = *delta::Table::Open(lake.path("silver/orders"));
  auto snapshot = *silver->Refresh();
  const int64_t target = snapshot->version();
  const int64_t consumed = *GoldConsumedVersion(lake.uri(), "revenue_city_hourly").value();
  ASSERT_LT(consumed, target);
  auto all = *ReadAddedRows(*silver, *snapshot, -1, target, "v");
  auto revenue_of = [](const arrow::Table& rows, int64_t after) {
    auto versions = *ReadInt64(rows, "v");
    auto types = *ReadString(rows, "event_type");
    auto amounts = *ReadDouble(rows, "total_amount_usd");
    double sum = 0;
    for (size_t i = 0; i < versions.size(); ++i) {
      if (versions[i] > after && types[i] == "order_created") sum += amounts[i];
    }
    return sum;
  };
  const double old_revenue = revenue_of(*all, -1) - revenue_of(*all, consumed);
  const double new_revenue = revenue_of(*all, consumed);
  ASSERT_GT(new_revenue, 0);
  auto gold_revenue = [&] {
    const std::vector<double> revenue = *ReadDouble(*ReadDelta(lake.path("gold/revenue_city_hourly")), "revenue");
    double sum = 0;
    for (double v : revenue) sum += v;
    return sum;
  };

  // Given rows that end before the snapshot: not used, the files are read.
  OrdersGoldUpdate out;
  AddedSilverRows stale{WithDoubledDollars(all), -1, target - 1, "v"};
  ASSERT_TRUE(AddToRevenueCityHourly(*silver, *snapshot, lake.uri(), &out, &stale).value());
  EXPECT_NEAR(gold_revenue(), old_revenue + new_revenue, 1e-6 * (old_revenue + new_revenue));

  // Once more from the same start, now with rows that cover the gap: only
  // their rows after the table's txn are added (doubled here).
  lake.AppendBronze("orders", slices[2], kIngest);
  CatchUpSilver(lake);
  snapshot = *silver->Refresh();
  all = *ReadAddedRows(*silver, *snapshot, -1, snapshot->version(), "v");
  const double third = revenue_of(*all, target);
  ASSERT_GT(third, 0);
  AddedSilverRows covering{WithDoubledDollars(all), -1, snapshot->version(), "v"};
  ASSERT_TRUE(AddToRevenueCityHourly(*silver, *snapshot, lake.uri(), &out, &covering).value());
  EXPECT_NEAR(gold_revenue(), old_revenue + new_revenue + 2 * third, 1e-6 * (old_revenue + new_revenue + 2 * third));
}

TEST(LatencyHistogramTest, QuantilesInterpolateInsideBuckets) {
  LatencyHistogram h;
  EXPECT_EQ(h.Quantile(0.5), 0);
  for (int i = 0; i < 98; ++i) h.Record(300);  // bucket (250, 500]
  h.Record(2500);                              // (2000, 3000]
  h.Record(2600);
  EXPECT_EQ(h.count(), 100);
  EXPECT_GT(h.Quantile(0.5), 250);
  EXPECT_LE(h.Quantile(0.5), 500);
  EXPECT_GT(h.Quantile(0.99), 2000);
  EXPECT_LE(h.Quantile(0.99), 2600);  // never above the largest latency seen
  auto buckets = h.BucketsJson();
  EXPECT_EQ(buckets[5][0].get<int64_t>(), 250);
  EXPECT_EQ(buckets[5][1].get<int64_t>(), 0);
  EXPECT_EQ(buckets[6][1].get<int64_t>(), 98);
  EXPECT_EQ(buckets.back()[1].get<int64_t>(), 100);
  LatencyHistogram other;
  other.Record(5);
  h.Merge(other);
  EXPECT_EQ(h.count(), 101);
  EXPECT_EQ(h.BucketsJson()[0][1].get<int64_t>(), 1);
}

TEST(StreamRunnerTest, RejectsBadOptions) {
  StreamOptions o;
  EXPECT_TRUE(StreamRunner::Open(o).status().IsInvalidArgument());
  o.lake_uri = "/tmp/unused";
  o.entities = {"trades"};
  EXPECT_TRUE(StreamRunner::Open(o).status().IsInvalidArgument());
}

}  // namespace
}  // namespace medallion::transform
