#include "medallion/transform/silver_day_cache.h"

#include <arrow/api.h>
#include <gtest/gtest.h>

#include "medallion/delta/scan.h"
#include "medallion/transform/stream_test_support.h"

namespace medallion::transform {
namespace {

using testing::SortedRows;
using testing::TempLake;

constexpr int32_t kDay = 20'000;  // 2024-10-04

std::shared_ptr<arrow::Table> Rows(const std::vector<std::pair<std::string, int32_t>>& ids_and_days) {
  arrow::StringBuilder ids;
  arrow::Date32Builder days;
  for (const auto& [id, day] : ids_and_days) {
    EXPECT_TRUE(ids.Append(id).ok());
    EXPECT_TRUE(days.Append(day).ok());
  }
  auto schema = arrow::schema({arrow::field("city", arrow::utf8()), arrow::field("event_date", arrow::date32())});
  return arrow::Table::Make(schema, {*ids.Finish(), *days.Finish()});
}

std::vector<std::string> CachedIds(SilverDayCache& cache, delta::Table& table, int32_t from, int32_t to) {
  auto snapshot = table.Refresh();
  EXPECT_TRUE(snapshot.ok()) << snapshot.status();
  auto rows = cache.Rows(table, **snapshot, from, to);
  EXPECT_TRUE(rows.ok()) << rows.status();
  return rows.ok() ? SortedRows(**rows, {"city"}) : std::vector<std::string>{};
}

TEST(SilverDayCacheTest, FollowsAppendsAndRewritesOfTheDaysItHolds) {
  TempLake lake("silver_day_cache");
  auto store = *storage::OpenObjectStore(lake.path("silver/orders"));
  delta::CreateOptions create;
  create.schema = Rows({})->schema();
  create.partition_columns = {"event_date"};
  auto table = *delta::Table::OpenOrCreate(store, create);
  ASSERT_TRUE(table->Append(Rows({{"a", kDay}, {"b", kDay + 1}})).ok());

  SilverDayCache cache;
  EXPECT_EQ(CachedIds(cache, *table, kDay, kDay + 1), (std::vector<std::string>{"city=a|", "city=b|"}));

  // Appends reach the cached days; a day outside the range is not handed out.
  ASSERT_TRUE(table->Append(Rows({{"c", kDay}, {"d", kDay + 2}})).ok());
  ASSERT_TRUE(table->Append(Rows({{"e", kDay + 1}})).ok());
  EXPECT_EQ(CachedIds(cache, *table, kDay, kDay + 1),
            (std::vector<std::string>{"city=a|", "city=b|", "city=c|", "city=e|"}));

  // A newly asked-for day is scanned whole, including rows committed before.
  EXPECT_EQ(CachedIds(cache, *table, kDay + 1, kDay + 2),
            (std::vector<std::string>{"city=b|", "city=d|", "city=e|"}));

  // A rewrite removes files: the cache starts over and still equals the table.
  ASSERT_TRUE(table->OverwritePartitions(Rows({{"f", kDay + 1}})).ok());
  EXPECT_EQ(CachedIds(cache, *table, kDay + 1, kDay + 2), (std::vector<std::string>{"city=d|", "city=f|"}));

  // Many small commits are merged, rows unchanged.
  std::vector<std::string> expected = {"city=d|", "city=f|"};
  for (int i = 0; i < 40; ++i) {
    const std::string id = "g" + std::to_string(100 + i);
    ASSERT_TRUE(table->Append(Rows({{id, kDay + 2}})).ok());
    expected.push_back("city=" + id + "|");
  }
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(CachedIds(cache, *table, kDay + 1, kDay + 2), expected);
}

}  // namespace
}  // namespace medallion::transform
