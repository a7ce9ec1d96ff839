#include "medallion/ingest/ticks_generator.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

#include "medallion/ingest/calendar.h"
#include "medallion/ingest/random.h"

namespace medallion::ingest {

namespace {

struct Listing {
  const char* symbol;
  double price;
  double daily_volume_millions;
};

constexpr Listing kListings[] = {
    {"AAPL", 190, 55}, {"GOOGL", 140, 25}, {"MSFT", 410, 22}, {"AMZN", 180, 40}, {"TSLA", 250, 95},
    {"NVDA", 900, 45}, {"META", 480, 15},  {"NFLX", 600, 4},  {"AMD", 160, 50},  {"INTC", 35, 40},
    {"ORCL", 125, 8},  {"JPM", 195, 9},    {"V", 275, 6},     {"IBM", 185, 4},   {"CRM", 280, 6},
};

constexpr int64_t kSessionOpenMs = (14 * 60 + 30) * 60'000LL;  // 09:30 New York in UTC (winter)
constexpr int64_t kSessionCloseMs = 21 * 3'600'000LL;
constexpr double kMsPerTradingYear = 252.0 * 6.5 * 3'600'000.0;

}  // namespace

TicksGenerator::TicksGenerator(TicksOptions options) : options_(std::move(options)), rng_(Mix(options_.seed, 0x7469636b)) {
  if (options_.symbols.empty()) {
    for (const auto& l : kListings) options_.symbols.emplace_back(l.symbol);
  }
  std::lognormal_distribution<double> unknown_price(std::log(100.0), 0.6);
  for (const auto& s : options_.symbols) {
    SymbolState st{0, 0};
    const auto* listing = std::find_if(std::begin(kListings), std::end(kListings),
                                       [&](const Listing& l) { return s == l.symbol; });
    if (listing != std::end(kListings)) {
      st.price = listing->price;
      st.base_volume = listing->daily_volume_millions * 1e6;
    } else {
      st.price = std::round(unknown_price(rng_) * 100) / 100;
      st.base_volume = 5e6;
    }
    state_.push_back(st);
  }
}

Tick TicksGenerator::Step(int symbol, int64_t ts_ms) {
  SymbolState& st = state_[symbol];
  const double dt_ms = st.last_ms == 0 ? static_cast<double>(options_.mean_tick_interval_ms)
                                       : std::clamp<double>(static_cast<double>(ts_ms - st.last_ms), 1.0, 6.5 * 3.6e6);
  st.last_ms = ts_ms;
  // Regime switch with a hazard matching the mean stay in each regime.
  const double trading_day_ms = 6.5 * 3.6e6;
  const double stay_days = st.turbulent ? options_.mean_turbulent_days : options_.mean_calm_days;
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  if (unit(rng_) < 1.0 - std::exp(-dt_ms / (stay_days * trading_day_ms))) st.turbulent = !st.turbulent;
  const double sigma = st.turbulent ? options_.turbulent_volatility : options_.calm_volatility;
  const double dt_years = dt_ms / kMsPerTradingYear;
  std::normal_distribution<double> z(0.0, 1.0);
  const double drift = 0.07 - 0.5 * sigma * sigma;  // ~7%/year expected return
  st.price *= std::exp(drift * dt_years + sigma * std::sqrt(dt_years) * z(rng_));
  st.price = std::max(0.01, st.price);
  // Volume per tick scales with the share of the session the tick covers,
  // and rises with volatility.
  std::lognormal_distribution<double> volume_noise(0.0, 0.5);
  const double share = dt_ms / trading_day_ms;
  const double volume = st.base_volume * share * (sigma / options_.calm_volatility) * volume_noise(rng_);
  Tick t;
  t.symbol = symbol;
  t.ts_ms = ts_ms;
  t.price = std::round(st.price * 100.0) / 100.0;
  t.volume = std::max<int64_t>(1, std::llround(volume));
  t.turbulent = st.turbulent;
  return t;
}

std::vector<Tick> TicksGenerator::Day(int32_t date) {
  std::vector<Tick> ticks;
  if (DayOfWeek(date) >= 5) return ticks;
  const int64_t open = static_cast<int64_t>(date) * kMillisPerDay + kSessionOpenMs;
  const int64_t close = static_cast<int64_t>(date) * kMillisPerDay + kSessionCloseMs;
  std::exponential_distribution<double> gap(1.0 / static_cast<double>(options_.mean_tick_interval_ms));
  for (int s = 0; s < static_cast<int>(state_.size()); ++s) {
    for (int64_t t = open + static_cast<int64_t>(gap(rng_)); t < close; t += 1 + static_cast<int64_t>(gap(rng_))) {
      ticks.push_back(Step(s, t));
    }
  }
  std::stable_sort(ticks.begin(), ticks.end(), [](const Tick& a, const Tick& b) { return a.ts_ms < b.ts_ms; });
  return ticks;
}

Tick TicksGenerator::Live(int64_t now_ms) {
  const int s = next_live_symbol_;
  next_live_symbol_ = (next_live_symbol_ + 1) % static_cast<int>(state_.size());
  return Step(s, now_ms);
}

KafkaRecord TicksGenerator::Encode(const Tick& tick) const {
  nlohmann::ordered_json j;
  j["symbol"] = options_.symbols[tick.symbol];
  j["ts"] = FormatIsoMillis(tick.ts_ms);
  j["price"] = tick.price;
  j["volume"] = tick.volume;
  KafkaRecord r;
  r.key = options_.symbols[tick.symbol];
  r.value = j.dump();
  r.event_time_ms = tick.ts_ms;
  return r;
}

}  // namespace medallion::ingest
