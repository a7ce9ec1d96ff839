// Stock ticks for the `ticks` topic: {"symbol","ts","price","volume"}, key =
// symbol. Each symbol's price is a geometric random walk whose volatility
// switches between a calm and a turbulent regime (a two-state Markov chain),
// so volatility clusters the way real markets do.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "medallion/ingest/kafka_record.h"

namespace medallion::ingest {

struct TicksOptions {
  uint64_t seed = 42;
  // Defaults to AAPL GOOGL MSFT AMZN TSLA NVDA META NFLX AMD INTC ORCL JPM V IBM CRM.
  std::vector<std::string> symbols;
  double calm_volatility = 0.20;       // annualised
  double turbulent_volatility = 0.65;  // annualised
  double mean_calm_days = 20;          // expected stay in each regime
  double mean_turbulent_days = 4;
  int64_t mean_tick_interval_ms = 60'000;  // per symbol during history sessions
};

struct Tick {
  int symbol = 0;
  int64_t ts_ms = 0;
  double price = 0;
  int64_t volume = 0;
  bool turbulent = false;
};

class TicksGenerator {
 public:
  explicit TicksGenerator(TicksOptions options);

  const std::vector<std::string>& symbols() const { return options_.symbols; }

  // All ticks of one trading day (weekdays, 14:30-21:00 UTC), by time.
  // Weekends have none. Days must be asked for in increasing order.
  std::vector<Tick> Day(int32_t date);

  // The next tick at `now_ms`, symbols in turn.
  Tick Live(int64_t now_ms);

  KafkaRecord Encode(const Tick& tick) const;

 private:
  struct SymbolState {
    double price;
    double base_volume;
    bool turbulent = false;
    int64_t last_ms = 0;
  };
  Tick Step(int symbol, int64_t ts_ms);

  TicksOptions options_;
  std::mt19937_64 rng_;
  std::vector<SymbolState> state_;
  int next_live_symbol_ = 0;
};

}  // namespace medallion::ingest
