// The demo's event source: the orders and ticks generators feeding Kafka,
// first day by day for the history, then live on the accelerated clock.
//
// The embedded cluster's partition log is bounded (ARCHITECTURE.md,
// "Measured facts"): running ahead of ingest would silently lose the oldest
// records. So every few hundred records the feed asks the ingest group's lag
// and waits while it exceeds `max_lag`.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "medallion/common/result.h"
#include "medallion/ingest/bad_records.h"
#include "medallion/ingest/orders_generator.h"
#include "medallion/ingest/producer.h"
#include "medallion/ingest/ticks_generator.h"

namespace medallion::cli {

struct DemoFeedOptions {
  std::string bootstrap;
  // Ingest's consumer group per topic is "<group_prefix>-<topic>"; its lag
  // paces the feed.
  std::string group_prefix = "medallion-ingest";
  uint64_t seed = 42;
  int products = 60;
  int customers = 3'000;
  double daily_units = 700;
  int64_t tick_interval_ms = 300'000;  // per symbol, history sessions
  int64_t max_lag = 20'000;            // 0: no back-pressure (a real broker)
  int32_t history_end = 0;             // first day after the history
  int history_days = 90;
  // Malformed orders mixed in (bad_records.h), so the Quality page and the
  // quarantine have something real to show. Heavy (megabyte) kinds are rare.
  double bad_fraction = 0.002;
};

class DemoFeed {
 public:
  static Result<std::unique_ptr<DemoFeed>> Open(DemoFeedOptions options);

  // Every order event and tick of `day`.
  Status SendDay(int32_t day, const std::atomic<bool>& stop);

  // Live: one order event (and one tick every `ticks_every` calls) at the
  // simulated time `now_ms`.
  Status SendLive(int64_t now_ms, const std::atomic<bool>& stop);

  Status Flush();

  int64_t sent() const { return sent_.load(); }
  int64_t lag() const { return lag_.load(); }
  bool waiting() const { return waiting_.load(); }
  // Order events the generator makes on `day` (the live phase sends as many
  // per simulated day).
  int64_t OrderEventsOn(int32_t day) { return static_cast<int64_t>(orders_.Day(day).size()); }
  const ingest::DemandModel& demand() const { return orders_.model(); }
  const DemoFeedOptions& options() const { return options_; }

 private:
  DemoFeed(DemoFeedOptions options, std::unique_ptr<ingest::Producer> producer,
           std::map<std::string, std::unique_ptr<ingest::GroupLagProbe>> probes);
  Status Send(const std::string& topic, const ingest::KafkaRecord& record, const std::atomic<bool>& stop);
  // The order event, then maybe a bad record after it.
  Status SendOrder(ingest::KafkaRecord record, const std::atomic<bool>& stop);
  Status WaitForIngest(const std::string& topic, const std::atomic<bool>& stop);

  DemoFeedOptions options_;
  std::unique_ptr<ingest::Producer> producer_;
  std::map<std::string, std::unique_ptr<ingest::GroupLagProbe>> probes_;  // by topic
  ingest::OrdersGenerator orders_;
  ingest::TicksGenerator ticks_;
  ingest::BadRecordMixer bad_orders_;
  std::vector<ingest::KafkaRecord> mixed_;  // reused by SendOrder
  int64_t live_calls_ = 0;
  std::atomic<int64_t> sent_{0}, lag_{0};
  std::atomic<bool> waiting_{false};
};

}  // namespace medallion::cli
