#include "medallion/transform/gold_tables.h"

#include <arrow/api.h>
#include <gtest/gtest.h>

#include "medallion/transform/gold_columns.h"
#include "medallion/transform/gold_test_support.h"

namespace medallion::transform {
namespace {

using testing::Day;
using testing::MakeSilver;
using testing::SilverRow;

std::vector<SilverRow> TwoDays() {
  return {
      {.date = "2026-01-05", .hour = 9, .customer_id = 1, .product_id = 100, .quantity = 2, .unit_price = 10},
      {.date = "2026-01-05", .hour = 9, .customer_id = 2, .product_id = 100, .quantity = 1, .unit_price = 10},
      {.date = "2026-01-05", .hour = 11, .customer_id = 1, .product_id = 200, .category = "books", .city = "Paris",
       .country = "FR", .quantity = 3, .unit_price = 5},
      {.event_type = "order_cancelled", .date = "2026-01-05", .product_id = 100, .quantity = 1, .unit_price = 10},
      {.event_type = "product_viewed", .date = "2026-01-05", .product_id = 100},
      {.event_type = "product_viewed", .date = "2026-01-05", .product_id = 100},
      {.event_type = "product_viewed", .date = "2026-01-05", .product_id = 100},
      {.event_type = "product_viewed", .date = "2026-01-05", .product_id = 100},
      {.event_type = "add_to_cart", .date = "2026-01-05", .product_id = 100},
      {.event_type = "add_to_cart", .date = "2026-01-05", .product_id = 100},
      {.date = "2026-01-06", .hour = 9, .customer_id = 3, .product_id = 100, .quantity = 5, .unit_price = 10},
  };
}

const DateRange kBothDays{Day("2026-01-05"), Day("2026-01-06")};

TEST(GoldTables, RevenueCityHourlyCountsOnlyOrdersPerHourAndCity) {
  auto out = RevenueCityHourly(MakeSilver(TwoDays()), kBothDays);
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ((*out)->num_rows(), 3);
  EXPECT_EQ(*ReadString(**out, "city"), (std::vector<std::string>{"Berlin", "Paris", "Berlin"}));
  EXPECT_EQ(*ReadInt64(**out, "orders"), (std::vector<int64_t>{2, 1, 1}));
  EXPECT_EQ(*ReadInt64(**out, "units"), (std::vector<int64_t>{3, 3, 5}));
  EXPECT_EQ(*ReadDouble(**out, "revenue"), (std::vector<double>{30, 15, 50}));
  auto hours = *ReadInt64(**out, "hour");
  EXPECT_EQ(hours[0], int64_t{Day("2026-01-05")} * 86400'000'000 + 9 * 3600'000'000LL);
}

TEST(GoldTables, SalesDailyKeepsCancellationsApartFromGrossOrders) {
  auto out = SalesDaily(MakeSilver(TwoDays()), kBothDays);
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ((*out)->num_rows(), 3);  // (05, 100), (05, 200), (06, 100)
  EXPECT_EQ(*ReadInt64(**out, "product_id"), (std::vector<int64_t>{100, 200, 100}));
  EXPECT_EQ(*ReadInt64(**out, "orders"), (std::vector<int64_t>{2, 1, 1}));
  EXPECT_EQ(*ReadInt64(**out, "units"), (std::vector<int64_t>{3, 3, 5}));
  EXPECT_EQ(*ReadDouble(**out, "revenue"), (std::vector<double>{30, 15, 50}));
  EXPECT_EQ(*ReadInt64(**out, "cancellations"), (std::vector<int64_t>{1, 0, 0}));
}

TEST(GoldTables, RevenueAddsDollarsNotLocalCurrencies) {
  // 3020 yen at 151 per dollar is 20 dollars; summing the local amounts
  // would have made Tokyo 150 times larger than it is.
  std::vector<SilverRow> rows = {
      {.city = "Tokyo", .country = "JP", .quantity = 2, .unit_price = 1510, .currency = "JPY", .units_per_usd = 151},
      {.city = "Tokyo", .country = "JP", .quantity = 1, .unit_price = 5, .currency = "USD"}};
  auto hourly = RevenueCityHourly(MakeSilver(rows), kBothDays);
  ASSERT_TRUE(hourly.ok()) << hourly.status();
  EXPECT_EQ(*ReadDouble(**hourly, "revenue"), (std::vector<double>{25}));
  auto daily = SalesDaily(MakeSilver(rows), kBothDays);
  ASSERT_TRUE(daily.ok()) << daily.status();
  EXPECT_EQ(*ReadDouble(**daily, "revenue"), (std::vector<double>{25}));
}

TEST(GoldTables, RangeLimitsTheDays) {
  auto out = SalesDaily(MakeSilver(TwoDays()), {Day("2026-01-06"), Day("2026-01-06")});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)->num_rows(), 1);
}

TEST(GoldTables, CategoryDailyGrowthAgainstPreviousDayAndWeek) {
  std::vector<SilverRow> rows = {
      {.date = "2026-01-01", .quantity = 1, .unit_price = 40},  // a week before 01-08
      {.date = "2026-01-07", .quantity = 1, .unit_price = 50},
      {.date = "2026-01-08", .quantity = 1, .unit_price = 60},
      {.date = "2026-01-09", .category = "books", .quantity = 1, .unit_price = 10},
  };
  auto out = CategoryDaily(MakeSilver(rows), {Day("2026-01-08"), Day("2026-01-09")});
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ((*out)->num_rows(), 2);
  auto dod = (*out)->GetColumnByName("revenue_dod_growth");
  auto wow = (*out)->GetColumnByName("revenue_wow_growth");
  // toys 01-08: 60 vs 50 the day before, vs 40 a week before.
  EXPECT_DOUBLE_EQ(*ReadDouble(**out, "revenue_dod_growth").value().begin(), 0.2);
  EXPECT_DOUBLE_EQ(ReadDouble(**out, "revenue_wow_growth").value()[0], 0.5);
  // books 01-09: no earlier day, growth is null.
  EXPECT_TRUE(dod->GetScalar(1).ValueOrDie()->is_valid == false);
  EXPECT_TRUE(wow->GetScalar(1).ValueOrDie()->is_valid == false);
}

TEST(GoldTables, TopProductsRanksByRevenueThenProductId) {
  std::vector<SilverRow> rows = {
      {.product_id = 3, .unit_price = 10}, {.product_id = 1, .unit_price = 10},
      {.product_id = 2, .unit_price = 30}, {.product_id = 4, .unit_price = 5},
  };
  auto out = TopProducts(MakeSilver(rows), {Day("2026-01-05"), Day("2026-01-05")}, 3);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(*ReadInt64(**out, "product_id"), (std::vector<int64_t>{2, 1, 3}));
  EXPECT_EQ(*ReadInt64(**out, "rank"), (std::vector<int64_t>{1, 2, 3}));
}

TEST(GoldTables, CountryDailyCountsDistinctCustomers) {
  auto out = CountryDaily(MakeSilver(TwoDays()), kBothDays);
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ((*out)->num_rows(), 3);  // (05, DE), (05, FR), (06, DE)
  EXPECT_EQ(*ReadString(**out, "country"), (std::vector<std::string>{"DE", "FR", "DE"}));
  EXPECT_EQ(*ReadInt64(**out, "customers"), (std::vector<int64_t>{2, 1, 1}));
  EXPECT_EQ(*ReadDouble(**out, "avg_order_value"), (std::vector<double>{15, 15, 50}));
}

TEST(GoldTables, FunnelDailyRates) {
  auto out = FunnelDaily(MakeSilver(TwoDays()), {Day("2026-01-05"), Day("2026-01-05")});
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ((*out)->num_rows(), 2);
  EXPECT_EQ(*ReadInt64(**out, "views"), (std::vector<int64_t>{4, 0}));
  EXPECT_EQ(*ReadInt64(**out, "add_to_cart"), (std::vector<int64_t>{2, 0}));
  EXPECT_EQ(*ReadInt64(**out, "orders"), (std::vector<int64_t>{2, 1}));
  EXPECT_DOUBLE_EQ(ReadDouble(**out, "view_to_cart_rate").value()[0], 0.5);
  EXPECT_DOUBLE_EQ(ReadDouble(**out, "cart_to_order_rate").value()[0], 1.0);
  EXPECT_DOUBLE_EQ(ReadDouble(**out, "view_to_order_rate").value()[0], 0.5);
  // Product 200 was never viewed: its rates are null, not 0 or infinity.
  EXPECT_FALSE((*out)->GetColumnByName("view_to_cart_rate")->GetScalar(1).ValueOrDie()->is_valid);
}

}  // namespace
}  // namespace medallion::transform
