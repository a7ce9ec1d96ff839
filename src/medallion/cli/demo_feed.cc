#include "medallion/cli/demo_feed.h"

#include <algorithm>
#include <thread>

namespace medallion::cli {

namespace {

ingest::OrdersOptions OrdersOf(const DemoFeedOptions& o) {
  ingest::OrdersOptions orders;
  orders.seed = o.seed;
  orders.num_products = o.products;
  orders.num_customers = o.customers;
  orders.total_daily_units = o.daily_units;
  orders.history_end = o.history_end;
  orders.history_days = o.history_days;
  return orders;
}

ingest::TicksOptions TicksOf(const DemoFeedOptions& o) {
  ingest::TicksOptions ticks;
  ticks.seed = o.seed;
  ticks.mean_tick_interval_ms = o.tick_interval_ms;
  return ticks;
}

ingest::BadRecordOptions BadOrdersOf(const DemoFeedOptions& o) {
  ingest::BadRecordOptions bad;
  bad.seed = o.seed;
  bad.fraction = o.bad_fraction;
  bad.heavy_every = 2'000;
  return bad;
}

// Live ticks: one per this many live order events (a quieter stream).
constexpr int64_t kOrdersPerLiveTick = 4;

}  // namespace

DemoFeed::DemoFeed(DemoFeedOptions options, std::unique_ptr<ingest::Producer> producer,
                   std::map<std::string, std::unique_ptr<ingest::GroupLagProbe>> probes)
    : options_(std::move(options)),
      producer_(std::move(producer)),
      probes_(std::move(probes)),
      orders_(OrdersOf(options_)),
      ticks_(TicksOf(options_)),
      bad_orders_(BadOrdersOf(options_)) {}

Result<std::unique_ptr<DemoFeed>> DemoFeed::Open(DemoFeedOptions options) {
  ingest::ProducerOptions po;
  po.bootstrap = options.bootstrap;
  MEDALLION_ASSIGN_OR_RETURN(auto producer, ingest::Producer::Open(po));
  std::map<std::string, std::unique_ptr<ingest::GroupLagProbe>> probes;
  if (options.max_lag > 0) {
    for (const char* topic : {"orders", "ticks"}) {
      MEDALLION_ASSIGN_OR_RETURN(probes[topic], ingest::GroupLagProbe::Open(options.bootstrap,
                                                                            options.group_prefix + "-" + topic));
    }
  }
  return std::unique_ptr<DemoFeed>(new DemoFeed(std::move(options), std::move(producer), std::move(probes)));
}

Status DemoFeed::WaitForIngest(const std::string& topic, const std::atomic<bool>& stop) {
  auto probe = probes_.find(topic);
  if (probe == probes_.end()) return Status::OK();
  for (;;) {
    MEDALLION_ASSIGN_OR_RETURN(int64_t broker_lag, probe->second->MaxLag(topic));
    // Records still in the producer's queue are about to land: count them.
    const int64_t lag = broker_lag + producer_->in_flight();
    lag_.store(lag);
    // Hysteresis: once paused, resume at half the limit.
    const int64_t limit = waiting_.load() ? options_.max_lag / 2 : options_.max_lag;
    if (lag <= limit || stop.load()) {
      waiting_.store(false);
      return Status::OK();
    }
    waiting_.store(true);
    producer_->Poll(200);
  }
}

Status DemoFeed::Send(const std::string& topic, const ingest::KafkaRecord& record, const std::atomic<bool>& stop) {
  const int64_t check_every = std::clamp<int64_t>(options_.max_lag / 8, 1, 500);
  if (sent_.load() % check_every == 0) MEDALLION_RETURN_IF_ERROR(WaitForIngest(topic, stop));
  MEDALLION_RETURN_IF_ERROR(producer_->Send(topic, record));
  sent_.fetch_add(1);
  return Status::OK();
}

Status DemoFeed::SendOrder(ingest::KafkaRecord record, const std::atomic<bool>& stop) {
  mixed_.clear();
  bad_orders_.Mix(std::move(record), &mixed_);
  for (const auto& r : mixed_) MEDALLION_RETURN_IF_ERROR(Send("orders", r, stop));
  return Status::OK();
}

Status DemoFeed::SendDay(int32_t day, const std::atomic<bool>& stop) {
  for (const auto& e : orders_.Day(day)) {
    if (stop.load()) return Status::OK();
    MEDALLION_RETURN_IF_ERROR(SendOrder(orders_.Encode(e), stop));
  }
  for (const auto& t : ticks_.Day(day)) {
    if (stop.load()) return Status::OK();
    MEDALLION_RETURN_IF_ERROR(Send("ticks", ticks_.Encode(t), stop));
  }
  producer_->Poll(0);
  return Status::OK();
}

Status DemoFeed::SendLive(int64_t now_ms, const std::atomic<bool>& stop) {
  MEDALLION_RETURN_IF_ERROR(SendOrder(orders_.Encode(orders_.Live(now_ms)), stop));
  if (live_calls_++ % kOrdersPerLiveTick == 0) {
    MEDALLION_RETURN_IF_ERROR(Send("ticks", ticks_.Encode(ticks_.Live(now_ms)), stop));
  }
  producer_->Poll(0);
  return Status::OK();
}

Status DemoFeed::Flush() { return producer_->Flush(std::chrono::seconds(30)); }

}  // namespace medallion::cli
