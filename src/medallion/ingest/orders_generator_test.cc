#include "medallion/ingest/orders_generator.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "medallion/ingest/bad_records.h"
#include "medallion/ingest/calendar.h"
#include "medallion/ingest/demand_truth.h"

#include <arrow/api.h>

namespace medallion::ingest {
namespace {

OrdersOptions SmallOptions(uint64_t seed = 7) {
  OrdersOptions o;
  o.seed = seed;
  o.num_products = 40;
  o.num_customers = 2'000;
  o.total_daily_units = 800;
  o.history_end = DaysFromCivil(2025, 3, 3);  // a Monday
  o.history_days = 28;
  return o;
}

TEST(CalendarTest, KnownDates) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DayOfWeek(DaysFromCivil(2025, 3, 3)), 0);  // Monday
  EXPECT_EQ(DayOfWeek(DaysFromCivil(2024, 11, 30)), 5);
  EXPECT_EQ(FormatIsoMillis(int64_t{1'700'000'000'123}), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(FormatDate(DaysFromCivil(2024, 2, 29)), "2024-02-29");
  EXPECT_EQ(DayOfYear(DaysFromCivil(2024, 12, 31)), 365);
}

TEST(OrdersGeneratorTest, SameSeedSameEvents) {
  OrdersGenerator a(SmallOptions()), b(SmallOptions());
  const int32_t day = a.history_start() + 3;
  const auto ea = a.Day(day);
  const auto eb = b.Day(day);
  ASSERT_FALSE(ea.empty());
  ASSERT_EQ(ea.size(), eb.size());
  for (size_t i = 0; i < ea.size(); ++i) ASSERT_EQ(a.Encode(ea[i]).value, b.Encode(eb[i]).value) << i;
  // A day depends only on (seed, day), not on what was generated before.
  OrdersGenerator c(SmallOptions());
  c.Day(day - 1);
  EXPECT_EQ(c.Encode(c.Day(day)[0]).value, a.Encode(ea[0]).value);
  // Another seed gives other events.
  OrdersGenerator d(SmallOptions(8));
  EXPECT_NE(d.Encode(d.Day(day)[0]).value, a.Encode(ea[0]).value);
}

TEST(OrdersGeneratorTest, GoodEventsAreValidJsonWithEveryField) {
  OrdersGenerator gen(SmallOptions());
  const auto events = gen.Day(gen.history_start());
  std::set<std::string> types, event_ids;
  for (const auto& e : events) {
    const KafkaRecord r = gen.Encode(e);
    const auto j = nlohmann::json::parse(r.value, nullptr, false);
    ASSERT_TRUE(j.is_object()) << r.value;
    for (const auto& f : RequiredOrderFields()) ASSERT_TRUE(j.contains(f)) << f << " in " << r.value;
    EXPECT_EQ(r.key, j["product_id"]);
    EXPECT_TRUE(r.headers.empty());
    EXPECT_GE(j["quantity"].get<int>(), 1);
    EXPECT_GT(j["unit_price"].get<double>(), 0);
    EXPECT_EQ(j["country"].get<std::string>().size(), 2u);
    EXPECT_EQ(j["event_time"].get<std::string>().substr(0, 10), FormatDate(gen.history_start()));
    EXPECT_EQ(j["event_id"].get<std::string>().size(), 36u);
    types.insert(j["event_type"].get<std::string>());
    event_ids.insert(j["event_id"].get<std::string>());
  }
  EXPECT_EQ(types, (std::set<std::string>{"order_created", "product_viewed", "add_to_cart", "order_cancelled"}));
  EXPECT_EQ(event_ids.size(), events.size()) << "event ids must be unique";
  for (size_t i = 1; i < events.size(); ++i) ASSERT_LE(events[i - 1].event_time_ms, events[i].event_time_ms);
}

TEST(OrdersGeneratorTest, OrderedUnitsFollowTheTruthAndWeeklySeasonality) {
  OrdersOptions o = SmallOptions();
  o.history_days = 56;
  OrdersGenerator gen(o);
  double ordered_units = 0, expected_units = 0;
  std::map<int, double> units_by_dow;
  for (int32_t d = gen.history_start(); d < o.history_end; ++d) {
    for (const auto& e : gen.Day(d)) {
      if (e.type == OrderEventType::kOrderCreated) {
        ordered_units += e.quantity;
        units_by_dow[DayOfWeek(d)] += e.quantity;
      }
    }
  }
  for (const auto& t : gen.model().Truth(gen.history_start(), o.history_end)) expected_units += t.expected_units;
  // Eight weeks of ~800 units/day: the total is within a few percent.
  EXPECT_NEAR(ordered_units / expected_units, 1.0, 0.05);
  // Saturday beats Tuesday in every category's weekly profile.
  EXPECT_GT(units_by_dow[5], 1.15 * units_by_dow[1]);
}

TEST(OrdersGeneratorTest, RepeatCustomersAreHeavyTailed) {
  OrdersGenerator gen(SmallOptions());
  std::map<int, int> orders_per_customer;
  for (int32_t d = gen.history_start(); d < gen.options().history_end; ++d) {
    for (const auto& e : gen.Day(d)) {
      if (e.type == OrderEventType::kOrderCreated) ++orders_per_customer[e.customer];
    }
  }
  int once = 0, many = 0;
  for (const auto& [c, n] : orders_per_customer) {
    if (n == 1) ++once;
    if (n >= 10) ++many;
  }
  EXPECT_GT(once, 0);
  EXPECT_GT(many, 0);
}

TEST(DemandModelTest, PromotionsRaiseDemandAndHolidaysShowUp) {
  DemandModel m(3, 100, 1000);
  int promo_days = 0;
  for (int p = 0; p < 100; ++p) {
    for (int32_t d = DaysFromCivil(2025, 1, 6); d < DaysFromCivil(2025, 3, 3); ++d) {
      double discount = 0;
      if (!m.Promotion(p, d, &discount)) continue;
      ++promo_days;
      EXPECT_GE(discount, 0.10);
      EXPECT_LE(discount, 0.30);
      // Same weekday without the promotion: a week earlier or later.
      const DailyDemand with = m.Expected(p, d);
      for (int32_t other : {d - 7, d + 7}) {
        if (m.Promotion(p, other, nullptr)) continue;
        const DailyDemand without = m.Expected(p, other);
        EXPECT_GT(with.expected_units / with.holiday_factor, 1.05 * without.expected_units / without.holiday_factor *
                                                                 m.TrendFactor(p, d) / m.TrendFactor(p, other) *
                                                                 m.YearlyFactor(m.products()[p].category, d) /
                                                                 m.YearlyFactor(m.products()[p].category, other));
        EXPECT_LT(with.price_usd, without.price_usd);
        break;
      }
    }
  }
  EXPECT_GT(promo_days, 100 * 56 * 0.03);
  const int32_t black_friday = DaysFromCivil(2025, 11, 28);
  EXPECT_GT(m.HolidayFactor(0, black_friday), 2.0);
  EXPECT_LT(m.HolidayFactor(0, DaysFromCivil(2025, 12, 25)), 0.5);
  EXPECT_EQ(m.HolidayFactor(0, DaysFromCivil(2025, 3, 4)), 1.0);
}

TEST(DemandTruthTest, ArrowTableHasOneRowPerProductDay) {
  DemandModel m(3, 10, 100);
  const int32_t first = DaysFromCivil(2025, 1, 1);
  auto rows = m.Truth(first, first + 5);
  auto batch = DailyDemandToArrow(m, rows);
  ASSERT_TRUE(batch.ok()) << batch.status();
  EXPECT_EQ((*batch)->num_rows(), 50);
  EXPECT_TRUE((*batch)->schema()->Equals(*DailyDemandSchema()));
  auto ids = std::static_pointer_cast<arrow::StringArray>((*batch)->GetColumnByName("product_id"));
  EXPECT_EQ(ids->GetString(0), "P00001");
  auto units = std::static_pointer_cast<arrow::DoubleArray>((*batch)->GetColumnByName("expected_units"));
  EXPECT_DOUBLE_EQ(units->Value(0), rows[0].expected_units);
}

TEST(OrdersGeneratorTest, LiveEventsCarryTheGivenTime) {
  OrdersGenerator gen(SmallOptions());
  const int64_t now = int64_t{gen.options().history_end} * kMillisPerDay + 3'600'000;
  for (int i = 0; i < 50; ++i) {
    const auto e = gen.Live(now + i);
    EXPECT_EQ(e.event_time_ms, now + i);
    const auto j = nlohmann::json::parse(gen.Encode(e).value);
    EXPECT_EQ(j["event_time"], FormatIsoMillis(now + i));
  }
}

}  // namespace
}  // namespace medallion::ingest
