#include "medallion/ingest/ticks_generator.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <map>

#include "medallion/ingest/calendar.h"

namespace medallion::ingest {
namespace {

TEST(TicksGeneratorTest, DeterministicValidTicksOnTradingDaysOnly) {
  TicksGenerator a({}), b({});
  const int32_t monday = DaysFromCivil(2025, 3, 3);
  const auto ta = a.Day(monday);
  const auto tb = b.Day(monday);
  ASSERT_GT(ta.size(), 15u * 200);  // ~390 per symbol
  ASSERT_EQ(ta.size(), tb.size());
  for (size_t i = 0; i < ta.size(); ++i) ASSERT_EQ(a.Encode(ta[i]).value, b.Encode(tb[i]).value);
  EXPECT_TRUE(a.Day(monday + 5).empty());  // Saturday
  std::map<std::string, int> per_symbol;
  for (const auto& t : ta) {
    const KafkaRecord r = a.Encode(t);
    const auto j = nlohmann::json::parse(r.value);
    EXPECT_EQ(r.key, j["symbol"]);
    EXPECT_GT(j["price"].get<double>(), 0);
    EXPECT_GE(j["volume"].get<int64_t>(), 1);
    EXPECT_EQ(j["ts"].get<std::string>().substr(0, 10), "2025-03-03");
    ++per_symbol[r.key];
  }
  for (const char* s : {"AAPL", "GOOGL", "MSFT", "AMZN", "TSLA", "NVDA", "META"}) EXPECT_GT(per_symbol[s], 200) << s;
}

TEST(TicksGeneratorTest, VolatilityRegimesDiffer) {
  TicksOptions o;
  o.symbols = {"AAPL"};
  o.mean_calm_days = 5;
  o.mean_turbulent_days = 5;
  TicksGenerator gen(o);
  // Squared log returns per regime over a year of sessions.
  double sq[2] = {0, 0};
  int n[2] = {0, 0};
  double prev = 0;
  for (int32_t d = DaysFromCivil(2024, 1, 1); d < DaysFromCivil(2025, 1, 1); ++d) {
    for (const auto& t : gen.Day(d)) {
      if (prev > 0) {
        const double r = std::log(t.price / prev);
        sq[t.turbulent] += r * r;
        ++n[t.turbulent];
      }
      prev = t.price;
    }
  }
  ASSERT_GT(n[0], 1000);
  ASSERT_GT(n[1], 1000);
  EXPECT_GT(sq[1] / n[1], 3.0 * sq[0] / n[0]);
}

TEST(TicksGeneratorTest, LiveRotatesSymbols) {
  TicksGenerator gen({});
  const auto first = gen.Live(1'000);
  const auto second = gen.Live(1'001);
  EXPECT_NE(first.symbol, second.symbol);
  EXPECT_EQ(second.ts_ms, 1'001);
}

}  // namespace
}  // namespace medallion::ingest
