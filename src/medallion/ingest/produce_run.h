// The loop behind `medallion produce`: history first (events with past
// event times, as fast as the broker takes them), then live events at a
// fixed rate, with optional back-pressure on a consumer group's lag.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "medallion/common/status.h"
#include "medallion/ingest/producer.h"

namespace medallion::ingest {

struct ProduceRunOptions {
  std::string topic = "orders";  // "orders" or "ticks"
  uint64_t seed = 42;
  int history_days = 0;
  int32_t history_end = 0;       // first day after the history; 0 = today (UTC)
  double rate = 0;               // live events per second; 0 = no live phase
  double duration_s = 0;         // live phase length; 0 = until stopped
  int64_t max_events = 0;        // stop after this many records; 0 = no limit
  double bad_fraction = 0;       // orders only
  int heavy_bad_every = 500;
  int num_products = 200;
  int num_customers = 20'000;
  double daily_units = 4'000;
  // Back-pressure: pause while the group lags by more than this many
  // records on any partition (0 = off). Needed with the embedded cluster.
  int64_t max_lag = 0;
};

struct ProduceProgress {
  int64_t sent = 0;       // records handed to the producer
  int64_t bad = 0;        // of which bad records
  int64_t delivered = 0;  // acknowledged by the broker
  int64_t failed = 0;
  int64_t lag = -1;       // last measured max lag, -1 if not measured
  bool waiting = false;   // paused by back-pressure
  bool live = false;      // in the live phase
};

// Runs until done, `stop` becomes true, or an error. `lag` may be null when
// max_lag is 0. `progress` is called about once a second and at the end.
Status RunProduce(const ProduceRunOptions& options, Producer& producer, LagProbe* lag, const std::atomic<bool>& stop,
                  const std::function<void(const ProduceProgress&)>& progress);

}  // namespace medallion::ingest
