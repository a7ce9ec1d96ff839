// The continuous Bronze -> Silver -> Gold pipeline of `medallion stream` and
// of `medallion demo`'s live mode, in one process.
//
// Each trigger (every `trigger_interval_ms`):
//   1. Silver: the orders SilverJob and the ticks Silver job consume the
//      Bronze versions they have not seen (txn silver-<entity>).
//   2. Gold for orders: the Silver commits no Gold table has consumed yet name
//      the event dates they touched (from their add actions); only those
//      dates' partitions are recomputed from Silver with the batch Gold code
//      (gold_tables.h) and replaced, each table committing
//      txn{gold-<table>, Silver version}. Windowed revenue per city (5 min and
//      1 h tumbling windows on event time, watermark) is appended as windows
//      close; late events go to gold/late_events.
//   3. Gold for ticks: gold/tick_features for the touched dates, each symbol
//      recomputed with enough earlier ticks for the indicators (stream_ticks.h).
//
// Exactly once, restart-safe: Gold's progress is the txn in each Gold table,
// never process memory. Replacing a date partition is idempotent, so a crash
// between Silver and Gold (or between two Gold tables) only makes the next
// trigger recompute those dates from the same Silver: no duplicate, nothing
// lost. Window state is rebuilt from Silver on start (stream_windows.h).
//
// Freshness: for every Silver row that reaches Gold, the time from its
// Bronze/Kafka timestamp to the Gold commit that made it visible; exported
// with the other counters to <lake>/_runs/stream_status.json.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "medallion/common/result.h"
#include "medallion/quality/expectation.h"
#include "medallion/transform/stream_stats.h"

namespace medallion::storage {
class ObjectStore;
}

namespace medallion::transform {

struct StreamOptions {
  std::string lake_uri;  // bronze/, silver/, gold/, _runs/ below it
  // "orders" and/or "ticks". An entity whose Bronze table does not exist yet
  // is skipped until it appears.
  std::vector<std::string> entities = {"orders", "ticks"};
  int64_t trigger_interval_ms = 250;
  // Allowed lateness of the windowed aggregates (the watermark trails the
  // largest event time by this much).
  int64_t watermark_us = 10LL * 60 * 1000 * 1000;
  // Orders suite; empty path: config/quality/orders_suite.yaml if present,
  // else no expectations beyond Silver's parser.
  std::string orders_suite_path;
  std::optional<quality::Suite> orders_suite;  // wins over the path
  int64_t max_versions_per_batch = 20;
  int top_n = 10;
  // customer_rfm reads all of Silver: refreshed at most this often (and when
  // the runner goes idle), not on every trigger.
  int64_t rfm_interval_ms = 30'000;
  // The daily fast tables (all but revenue_city_hourly, which grows by the
  // new rows on every trigger) recompute their day: refreshed this often
  // (and when the runner goes idle). 0: on every trigger.
  int64_t daily_interval_ms = 2'000;
  // How often Start()'s thread rewrites _runs/stream_status.json.
  int64_t status_interval_ms = 2'000;
  // Earlier ticks per symbol fed to the indicators before a recomputed date.
  int64_t tick_lookback = 2'000;
};

class StreamRunner {
 public:
  static Result<std::unique_ptr<StreamRunner>> Open(StreamOptions options);
  ~StreamRunner();  // Stop()s

  // Runs triggers on a background thread until Stop().
  Status Start();
  // Asks the thread to stop after its current trigger, joins it, writes the
  // status file a last time, and returns the error that stopped the loop, if
  // any (the loop stops on the first failed trigger).
  Status Stop();
  // False once the loop has ended, by Stop() or on a failed trigger (call
  // Stop() then for the error).
  bool running() const { return running_.load() && !loop_ended_.load(); }

  // One trigger on the caller's thread (tests, --until-idle). True when it
  // moved data (some layer committed something).
  Result<bool> RunOnce();

  // Snapshot of the counters (thread-safe).
  StreamStats Stats() const;

  // Writes <lake>/_runs/stream_status.json now.
  Status WriteStatus();

 private:
  struct Impl;
  explicit StreamRunner(std::unique_ptr<Impl> impl);
  void Loop();

  std::unique_ptr<Impl> impl_;
  std::atomic<bool> running_{false};
  std::atomic<bool> loop_ended_{false};
  std::atomic<bool> stop_requested_{false};
  std::thread thread_;
  Status loop_status_;
};

// Path of the status file below the lake root.
inline constexpr const char* kStreamStatusPath = "_runs/stream_status.json";

}  // namespace medallion::transform
