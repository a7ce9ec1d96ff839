#include "medallion/transform/stream_runner.h"

#include <arrow/api.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <filesystem>

#include "medallion/delta/transaction.h"
#include "medallion/quality/suite_parser.h"
#include "medallion/storage/object_store.h"
#include "medallion/transform/gold_columns.h"
#include "medallion/transform/silver_job.h"
#include "medallion/transform/stream_gold.h"
#include "medallion/transform/stream_gold_writer.h"
#include "medallion/transform/stream_tail.h"
#include "medallion/transform/stream_windows.h"
#include "medallion/transform/ticks_gold.h"
#include "medallion/transform/ticks_silver.h"

namespace medallion::transform {

namespace {

constexpr const char* kVersionColumn = "silver_version";
constexpr int kMaxSilverBatchesPerTrigger = 5;

std::string LakePath(const std::string& lake, const std::string& layer, const std::string& table) {
  std::string root = lake;
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  return root + "/" + layer + "/" + table;
}

// NotFound from a job's Open means its Bronze table has not appeared yet.
template <typename T>
Result<std::unique_ptr<T>> OpenWhenBronzeExists(Result<std::unique_ptr<T>> opened) {
  if (opened.ok() || !opened.status().IsNotFound()) return opened;
  return std::unique_ptr<T>();
}

Result<quality::Suite> OrdersSuite(const StreamOptions& options) {
  if (options.orders_suite) return *options.orders_suite;
  if (!options.orders_suite_path.empty()) return quality::LoadSuiteFile(options.orders_suite_path);
  const std::string fallback = "config/quality/orders_suite.yaml";
  if (std::filesystem::exists(fallback)) return quality::LoadSuiteFile(fallback);
  spdlog::warn("stream: no orders suite ({} not found): Silver applies only its parser's rules", fallback);
  quality::Suite empty;
  empty.name = "orders";
  return empty;
}

int64_t SteadyMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

struct StreamRunner::Impl {
  StreamOptions options;
  quality::Suite orders_suite;
  std::shared_ptr<storage::ObjectStore> lake;

  std::unique_ptr<SilverJob> orders_silver;
  SilverRunStats orders_stats;
  std::unique_ptr<TicksSilverJob> ticks_silver;
  TicksSilverStats ticks_stats;
  std::shared_ptr<delta::Table> silver_orders;  // read side of Gold
  SilverDayCache silver_days;                    // its rows, read once per file
  std::vector<std::unique_ptr<CityRevenueWindows>> windows;

  int64_t started_steady_ms = 0;
  int64_t last_slow_refresh_ms = 0;
  int64_t rewrites_reported_through = -1;  // Silver versions already warned about
  int64_t last_daily_refresh_ms = 0;
  int64_t last_status_ms = 0;

  mutable std::mutex mu;  // guards stats
  StreamStats stats;

  std::mutex wake_mu;
  std::condition_variable wake;

  bool wants(const std::string& entity) const {
    return std::find(options.entities.begin(), options.entities.end(), entity) != options.entities.end();
  }
  std::string Bronze(const std::string& entity) const { return LakePath(options.lake_uri, "bronze", entity); }
  std::string Silver(const std::string& entity) const { return LakePath(options.lake_uri, "silver", entity); }

  // Set while Start()'s loop runs the daily and slow Orders Gold tables on
  // a thread of their own (DailyGoldLoop), so a trigger never waits for
  // their day-sized recomputes.
  std::atomic<bool> background_daily{false};
  Status daily_status;  // guarded by mu: the first error of that thread

  Status OpenJobs();
  void DailyGoldLoop(const std::atomic<bool>& stop);
  Result<bool> RunSilver();
  Result<bool> RunOrdersGold(bool silver_moved);
  Result<bool> RunTicksGold();
};

Status StreamRunner::Impl::OpenJobs() {
  if (wants("orders") && !orders_silver) {
    SilverJobOptions silver;
    silver.entity = "orders";
    silver.bronze_uri = Bronze("orders");
    silver.silver_uri = Silver("orders");
    silver.suite = orders_suite;
    silver.max_versions_per_batch = options.max_versions_per_batch;
    MEDALLION_ASSIGN_OR_RETURN(orders_silver, OpenWhenBronzeExists(SilverJob::Open(std::move(silver))));
    if (orders_silver) {
      MEDALLION_ASSIGN_OR_RETURN(silver_orders, delta::Table::Open(Silver("orders")));
      for (auto [size, label] : {std::pair<int64_t, const char*>{5 * kMicrosPerMinute, "5min"},
                                 std::pair<int64_t, const char*>{60 * kMicrosPerMinute, "1h"}}) {
        MEDALLION_ASSIGN_OR_RETURN(auto w, CityRevenueWindows::Restore(*silver_orders, options.lake_uri,
                                                                        WindowOptions{size, options.watermark_us}, label));
        windows.push_back(std::move(w));
      }
    }
  }
  if (wants("ticks") && !ticks_silver) {
    MEDALLION_ASSIGN_OR_RETURN(ticks_silver, OpenWhenBronzeExists(TicksSilverJob::Open(
                                                 Bronze("ticks"), Silver("ticks"), "", options.max_versions_per_batch)));
  }
  return Status::OK();
}

Result<bool> StreamRunner::Impl::RunSilver() {
  bool moved = false;
  for (int i = 0; orders_silver && i < kMaxSilverBatchesPerTrigger; ++i) {
    MEDALLION_ASSIGN_OR_RETURN(bool did, orders_silver->RunBatch(&orders_stats));
    if (!did) break;
    moved = true;
  }
  for (int i = 0; ticks_silver && i < kMaxSilverBatchesPerTrigger; ++i) {
    MEDALLION_ASSIGN_OR_RETURN(bool did, ticks_silver->RunBatch(&ticks_stats));
    if (!did) break;
    moved = true;
  }
  std::lock_guard<std::mutex> lock(mu);
  stats.bronze.rows_in = stats.bronze.rows_out = orders_stats.bronze_rows + ticks_stats.bronze_rows;
  stats.bronze.version = std::max(orders_stats.bronze_version, ticks_stats.bronze_version);
  stats.silver.rows_in = stats.bronze.rows_out;
  stats.silver.rows_out = orders_stats.silver_rows + ticks_stats.silver_rows;
  stats.silver.commits = orders_stats.batches + ticks_stats.batches;
  stats.quarantined = orders_stats.quarantined + ticks_stats.quarantined;
  return moved;
}

Result<bool> StreamRunner::Impl::RunOrdersGold(bool silver_moved) {
  if (!silver_orders) return false;
  MEDALLION_ASSIGN_OR_RETURN(auto snapshot, silver_orders->Refresh());
  const int64_t target = snapshot->version();
  // Freshness is timed on revenue_city_hourly, kept current on every trigger.
  MEDALLION_ASSIGN_OR_RETURN(auto hourly_consumed, GoldConsumedVersion(options.lake_uri, "revenue_city_hourly"));
  const int64_t gold_consumed = hourly_consumed.value_or(-1);
  int64_t from = gold_consumed;
  for (const auto& w : windows) from = std::min(from, w->consumed());
  std::shared_ptr<arrow::Table> added;
  if (from < target) {
    // A commit that rewrote Silver rows (another engine's DELETE, UPDATE or
    // MERGE) adds rows that were there before: the windows would count them
    // twice. They skip it, as Spark's Delta source does with
    // skipChangeCommits; the hourly and daily tables see the rewrite and
    // recompute from Silver (AddToRevenueCityHourly, OnlyAppendedSince).
    std::vector<int64_t> rewrites;
    MEDALLION_ASSIGN_OR_RETURN(added,
                               ReadAddedRows(*silver_orders, *snapshot, from, target, kVersionColumn, &rewrites));
    std::erase_if(rewrites, [&](int64_t v) { return v <= rewrites_reported_through; });
    if (!rewrites.empty()) {
      rewrites_reported_through = rewrites.back();
      spdlog::warn("silver/orders versions {} rewrote rows that were already there: the {} windows leave them out "
                   "(each window is emitted once); the other Gold tables are recomputed from Silver",
                   fmt::join(rewrites, ", "), windows.size());
      std::lock_guard<std::mutex> lock(mu);
      stats.silver_rewrites_skipped += static_cast<int64_t>(rewrites.size());
    }
  }
  // The slow tables (a full Silver scan) follow at their own pace, and catch
  // up as soon as the stream goes quiet.
  const int64_t now = SteadyMillis();
  OrdersGoldPass pass;
  pass.daily = !background_daily && (now - last_daily_refresh_ms >= options.daily_interval_ms || !silver_moved);
  pass.slow = !background_daily && (now - last_slow_refresh_ms >= options.rfm_interval_ms || !silver_moved);
  const AddedSilverRows given{added, from, target, kVersionColumn};
  MEDALLION_ASSIGN_OR_RETURN(auto update, UpdateOrdersGold(*silver_orders, options.lake_uri, options.top_n, pass,
                                                           &silver_days, added ? &given : nullptr));
  if (pass.slow) last_slow_refresh_ms = now;
  if (pass.daily) last_daily_refresh_ms = now;

  int64_t windows_out = 0, late = 0;
  for (auto& w : windows) {
    while (added && w->consumed() < target) {
      MEDALLION_ASSIGN_OR_RETURN(auto advance, w->Advance(added, kVersionColumn, target));
      windows_out += advance.windows_out;
      late += advance.late_events;
    }
  }

  // Freshness: each Silver row revenue_city_hourly consumed now became
  // visible at its commit.
  LatencyHistogram fresh;
  int64_t newly_visible = 0;
  auto hourly_commit = std::find_if(update.commits.begin(), update.commits.end(),
                                    [](const GoldCommit& c) { return c.table == "revenue_city_hourly"; });
  if (added && hourly_commit != update.commits.end() && gold_consumed < target) {
    const int64_t visible_ms = hourly_commit->committed_at_ms;
    MEDALLION_ASSIGN_OR_RETURN(auto versions, ReadInt64(*added, kVersionColumn));
    auto kafka_ts = added->GetColumnByName("kafka_timestamp");
    MEDALLION_ASSIGN_OR_RETURN(auto micros, ReadInt64(*added, "kafka_timestamp"));
    int64_t row = 0;
    for (const auto& chunk : kafka_ts->chunks()) {
      for (int64_t i = 0; i < chunk->length(); ++i, ++row) {
        if (versions[row] <= gold_consumed || chunk->IsNull(i)) continue;
        fresh.Record(visible_ms - micros[row] / 1000);
        ++newly_visible;
      }
    }
  }
  std::lock_guard<std::mutex> lock(mu);
  stats.gold.rows_in += newly_visible;
  stats.gold.rows_out += update.rows_out + windows_out;
  stats.gold.commits += static_cast<int64_t>(update.commits.size());
  if (!update.commits.empty()) stats.gold.version = std::max(stats.gold.version, update.silver_version);
  stats.late_events += late;
  stats.freshness.Merge(fresh);
  return !update.commits.empty() || windows_out > 0 || late > 0;
}

Result<bool> StreamRunner::Impl::RunTicksGold() {
  if (!ticks_silver) return false;
  MEDALLION_ASSIGN_OR_RETURN(auto write, UpdateTickFeatures(*ticks_silver->silver(), options.lake_uri,
                                                            /*all_dates=*/false, options.tick_lookback));
  if (write.version < 0) return false;
  std::lock_guard<std::mutex> lock(mu);
  stats.gold.rows_out += write.rows;
  stats.gold.commits++;
  return true;
}

Result<std::unique_ptr<StreamRunner>> StreamRunner::Open(StreamOptions options) {
  if (options.lake_uri.empty()) return Status::InvalidArgument("stream needs a lake root");
  for (const auto& e : options.entities) {
    if (e != "orders" && e != "ticks") {
      return Status::InvalidArgument(fmt::format("stream entity '{}' is not one of orders, ticks", e));
    }
  }
  if (options.trigger_interval_ms < 0) {
    return Status::InvalidArgument(fmt::format("trigger interval must be >= 0 ms, got {}", options.trigger_interval_ms));
  }
  if (options.watermark_us < 0) return Status::InvalidArgument("watermark must be >= 0");
  auto impl = std::make_unique<Impl>();
  MEDALLION_ASSIGN_OR_RETURN(impl->lake, storage::OpenObjectStore(options.lake_uri));
  if (std::find(options.entities.begin(), options.entities.end(), "orders") != options.entities.end()) {
    MEDALLION_ASSIGN_OR_RETURN(impl->orders_suite, OrdersSuite(options));
  }
  impl->options = std::move(options);
  return std::unique_ptr<StreamRunner>(new StreamRunner(std::move(impl)));
}

StreamRunner::StreamRunner(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {
  impl_->started_steady_ms = SteadyMillis();
  impl_->stats.started_at_ms = delta::NowMillis();
}

StreamRunner::~StreamRunner() { (void)Stop(); }

Result<bool> StreamRunner::RunOnce() {
  MEDALLION_RETURN_IF_ERROR(impl_->OpenJobs());
  MEDALLION_ASSIGN_OR_RETURN(bool silver_moved, impl_->RunSilver());
  MEDALLION_ASSIGN_OR_RETURN(bool orders_moved, impl_->RunOrdersGold(silver_moved));
  MEDALLION_ASSIGN_OR_RETURN(bool ticks_moved, impl_->RunTicksGold());
  const bool moved = silver_moved || orders_moved || ticks_moved;
  const int64_t now = SteadyMillis();
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto& s = impl_->stats;
    s.triggers++;
    if (moved) s.busy_triggers++;
    const double seconds = std::max(1e-3, (now - impl_->started_steady_ms) / 1000.0);
    s.throughput_rows_per_s = static_cast<double>(s.silver.rows_out) / seconds;
  }
  if (now - impl_->last_status_ms >= impl_->options.status_interval_ms) {
    MEDALLION_RETURN_IF_ERROR(WriteStatus());
    impl_->last_status_ms = now;
  }
  return moved;
}

StreamStats StreamRunner::Stats() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  StreamStats copy = impl_->stats;
  copy.updated_at_ms = delta::NowMillis();
  return copy;
}

Status StreamRunner::WriteStatus() {
  const StreamStats stats = Stats();
  const std::string text = StreamStatsToJson(stats).dump(2) + "\n";
  // ObjectStore::Write replaces atomically: readers never see half a file.
  return impl_->lake->Write(kStreamStatusPath, text);
}

Status StreamRunner::Start() {
  if (running_.exchange(true)) return Status::InvalidArgument("stream runner already started");
  stop_requested_ = false;
  loop_ended_ = false;
  loop_status_ = Status::OK();
  thread_ = std::thread([this] { Loop(); });
  return Status::OK();
}

void StreamRunner::Impl::DailyGoldLoop(const std::atomic<bool>& stop) {
  // Background work: on a busy machine the trigger loop, which decides the
  // freshness, gets the CPU first (Linux nice values are per thread).
  (void)setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 10);
  GoldTablesKeptOpen keep_gold_open;
  SilverDayCache days;
  std::shared_ptr<delta::Table> silver;  // its own handle: Refresh() is not shared across threads
  int64_t last_slow_ms = SteadyMillis();
  while (!stop.load()) {
    {
      std::unique_lock<std::mutex> lock(wake_mu);
      // At least a trigger apart: 0 means "as often as the triggers" here.
      const int64_t pause_ms = std::max<int64_t>({options.daily_interval_ms, options.trigger_interval_ms, 50});
      wake.wait_for(lock, std::chrono::milliseconds(pause_ms), [&] { return stop.load(); });
    }
    if (stop.load()) break;
    if (!silver) {
      auto opened = delta::Table::Open(Silver("orders"));
      if (opened.status().IsNotFound()) continue;  // no Silver yet
      if (opened.ok()) silver = *opened;
      if (!opened.ok()) {
        std::lock_guard<std::mutex> lock(mu);
        daily_status = opened.status();
        return;
      }
    }
    const int64_t now = SteadyMillis();
    OrdersGoldPass pass;
    pass.hourly = false;  // the trigger loop's
    pass.slow = now - last_slow_ms >= options.rfm_interval_ms;
    auto update = UpdateOrdersGold(*silver, options.lake_uri, options.top_n, pass, &days);
    std::lock_guard<std::mutex> lock(mu);
    if (!update.ok()) {
      daily_status = update.status().WithContext("daily Gold tables");
      return;
    }
    if (pass.slow) last_slow_ms = now;
    stats.gold.rows_out += update->rows_out;
    stats.gold.commits += static_cast<int64_t>(update->commits.size());
  }
}

void StreamRunner::Loop() {
  GoldTablesKeptOpen keep_gold_open;  // for the life of the loop: every trigger touches every Gold table
  std::thread daily;
  if (impl_->wants("orders")) {
    impl_->background_daily = true;
    daily = std::thread([this] { impl_->DailyGoldLoop(stop_requested_); });
  }
  while (!stop_requested_.load()) {
    const auto started = std::chrono::steady_clock::now();
    Result<bool> moved = RunOnce();
    if (moved.ok()) {
      std::lock_guard<std::mutex> lock(impl_->mu);
      if (!impl_->daily_status.ok()) moved = impl_->daily_status;
    }
    if (!moved.ok()) {
      loop_status_ = moved.status();
      spdlog::error("stream: trigger failed, stopping: {}", moved.status().ToString());
      std::lock_guard<std::mutex> lock(impl_->mu);
      impl_->stats.last_error = moved.status().ToString();
      break;
    }
    std::unique_lock<std::mutex> lock(impl_->wake_mu);
    impl_->wake.wait_until(lock, started + std::chrono::milliseconds(impl_->options.trigger_interval_ms),
                           [this] { return stop_requested_.load(); });
  }
  if (daily.joinable()) {
    {
      std::lock_guard<std::mutex> lock(impl_->wake_mu);
      stop_requested_ = true;  // also when the loop ended on an error
    }
    impl_->wake.notify_all();
    daily.join();
  }
  impl_->background_daily = false;
  loop_ended_ = true;
}

Status StreamRunner::Stop() {
  if (!running_.load()) return loop_status_;
  {
    std::lock_guard<std::mutex> lock(impl_->wake_mu);
    stop_requested_ = true;
  }
  impl_->wake.notify_all();
  if (thread_.joinable()) thread_.join();
  running_ = false;
  Status written = WriteStatus();
  if (!loop_status_.ok()) return loop_status_;
  return written;
}

}  // namespace medallion::transform
