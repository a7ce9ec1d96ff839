#include "medallion/transform/features_daily.h"

#include <arrow/api.h>
#include <gtest/gtest.h>

#include <cmath>

#include "medallion/transform/gold_columns.h"
#include "medallion/transform/gold_test_support.h"

namespace medallion::transform {
namespace {

using testing::Day;
using testing::MakeSilver;
using testing::SilverRow;

TEST(CalendarOf, IsoWeekDayMonthHoliday) {
  auto c = CalendarOf(Day("2026-01-01"));  // a Thursday, ISO week 1
  EXPECT_EQ(c.day_of_week, 4);
  EXPECT_EQ(c.week_of_year, 1);
  EXPECT_EQ(c.month, 1);
  EXPECT_TRUE(c.is_holiday);
  auto d = CalendarOf(Day("2027-01-01"));  // a Friday in ISO week 53 of 2026
  EXPECT_EQ(d.day_of_week, 5);
  EXPECT_EQ(d.week_of_year, 53);
  EXPECT_FALSE(CalendarOf(Day("2026-03-10")).is_holiday);
}

TEST(FeaturesDaily, LagsAndRollingWindowsLookOnlyBack) {
  // Product 7 sells d units on day d (1-based) of a 10-day panel, none on day 5.
  std::vector<SilverRow> rows;
  for (int d = 1; d <= 10; ++d) {
    if (d == 5) continue;
    SilverRow r{.product_id = 7, .quantity = d, .unit_price = 2, .promo = d % 2 == 0};
    r.date = ingest::FormatDate(Day("2026-03-01") + d - 1);
    rows.push_back(r);
  }
  // A second order on day 10 at another price, in yen (604 JPY = 4 USD):
  // avg_price is the mean in dollars.
  rows.push_back({.date = "2026-03-10", .product_id = 7, .quantity = 1, .unit_price = 604, .promo = false,
                  .currency = "JPY", .units_per_usd = 151});
  DateRange range{Day("2026-03-08"), Day("2026-03-10")};
  auto out = FeaturesDaily(MakeSilver(rows), range);
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ((*out)->num_rows(), 3);
  EXPECT_EQ(*ReadInt64(**out, "units"), (std::vector<int64_t>{8, 9, 11}));
  EXPECT_EQ(*ReadInt64(**out, "lag_1"), (std::vector<int64_t>{7, 8, 9}));
  EXPECT_EQ(*ReadInt64(**out, "lag_7"), (std::vector<int64_t>{1, 2, 3}));
  // Before the panel (starts 03-01): null.
  EXPECT_EQ((*out)->GetColumnByName("lag_14")->null_count(), 3);
  EXPECT_EQ((*out)->GetColumnByName("rolling_mean_14")->null_count(), 3);
  // Day 8: the window is days 1..7 = 1,2,3,4,0,6,7 -> mean 23/7.
  auto mean7 = *ReadDouble(**out, "rolling_mean_7");
  EXPECT_DOUBLE_EQ(mean7[0], 23.0 / 7);
  std::vector<double> w = {1, 2, 3, 4, 0, 6, 7};
  double m = 23.0 / 7, ss = 0;
  for (double x : w) ss += (x - m) * (x - m);
  EXPECT_NEAR(ReadDouble(**out, "rolling_std_7").value()[0], std::sqrt(ss / 6), 1e-12);
  auto price = *ReadDouble(**out, "avg_price");
  EXPECT_DOUBLE_EQ(price[2], 3.0);
  auto promo = *ReadDouble(**out, "promo_share");
  EXPECT_DOUBLE_EQ(promo[0], 1.0);  // day 8: one order, promo
  EXPECT_DOUBLE_EQ(promo[2], 0.5);  // day 10: two orders, one promo
  EXPECT_EQ(*ReadInt64(**out, "day_of_week"), (std::vector<int64_t>{7, 1, 2}));  // 2026-03-08 is a Sunday
}

TEST(FeaturesDaily, DaysWithoutSalesAreZeroWithNullPrice) {
  std::vector<SilverRow> rows = {{.date = "2026-03-01", .product_id = 1, .quantity = 2},
                                 {.date = "2026-03-03", .product_id = 2, .quantity = 5}};
  auto out = FeaturesDaily(MakeSilver(rows), {Day("2026-03-01"), Day("2026-03-03")});
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ((*out)->num_rows(), 6);  // 2 products x 3 days
  EXPECT_EQ(*ReadInt64(**out, "units"), (std::vector<int64_t>{2, 0, 0, 0, 0, 5}));
  EXPECT_EQ((*out)->GetColumnByName("avg_price")->null_count(), 4);
}

}  // namespace
}  // namespace medallion::transform
