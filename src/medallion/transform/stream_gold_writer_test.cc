#include "medallion/transform/stream_gold_writer.h"

#include <arrow/api.h>
#include <gtest/gtest.h>

#include <set>

#include "medallion/transform/gold_columns.h"
#include "medallion/transform/stream_test_support.h"

namespace medallion::transform {
namespace {

using testing::TempLake;

constexpr int32_t kDay1 = 19875, kDay2 = 19876;
const std::string kTable = "sales_daily";

std::shared_ptr<arrow::Table> Rows(const std::vector<int32_t>& days, double revenue) {
  return arrow::Table::Make(
      arrow::schema({arrow::field("event_date", arrow::date32()), arrow::field("revenue", arrow::float64())}),
      {Date32Array(days), DoubleArray(std::vector<double>(days.size(), revenue))});
}

// The stream's own commit of Silver version `silver`, expecting `previous`.
void CommitOwn(const TempLake& lake, const std::vector<int32_t>& days, std::optional<int64_t> previous,
               int64_t silver) {
  auto commit = CommitGold(lake.uri(), kTable, Rows(days, 1.0), GoldWriteMode::kReplacePartitions, previous, silver);
  ASSERT_TRUE(commit.ok()) << commit.status();
}

// Another writer (a batch job, a user) replacing `days`.
void CommitForeign(const TempLake& lake, const std::vector<int32_t>& days) {
  auto table = delta::Table::Open(lake.path("gold/" + kTable));
  ASSERT_TRUE(table.ok()) << table.status();
  ASSERT_TRUE((*table)->OverwritePartitions(Rows(days, 99.0)).ok());
}

std::set<int32_t> Changed(const TempLake& lake) {
  auto changes = GoldChangedByOthers(lake.uri(), kTable);
  EXPECT_TRUE(changes.ok()) << changes.status();
  if (!changes.ok()) return {};
  EXPECT_FALSE(changes->all);
  return changes->dates;
}

TEST(GoldChangedByOthers, FindsOtherWritersUntilTheStreamCommitsAfterThem) {
  TempLake lake("gold_changed_by_others");
  EXPECT_TRUE(Changed(lake).empty());  // no table yet
  GoldTablesKeptOpen keep;
  CommitOwn(lake, {kDay1, kDay2}, std::nullopt, 4);
  auto appended = CommitGold(lake.uri(), kTable, Rows({kDay2}, 1.0), GoldWriteMode::kAppend, 4, 5);
  ASSERT_TRUE(appended.ok()) << appended.status();  // day 2 now has two files
  EXPECT_TRUE(Changed(lake).empty());

  CommitForeign(lake, {kDay1});
  EXPECT_EQ(Changed(lake), std::set<int32_t>{kDay1});
  EXPECT_EQ(Changed(lake), std::set<int32_t>{kDay1});  // reported, not yet handled

  // Compaction changes no rows.
  auto table = delta::Table::Open(lake.path("gold/" + kTable));
  ASSERT_TRUE(table.ok());
  auto optimized = (*table)->Optimize(delta::Predicate{}, 128 << 20);
  ASSERT_TRUE(optimized.ok()) << optimized.status();
  ASSERT_EQ(optimized->files_removed, 2);
  EXPECT_EQ(Changed(lake), std::set<int32_t>{kDay1});

  CommitOwn(lake, {kDay1}, 5, 6);  // the stream recomputes day 1
  EXPECT_TRUE(Changed(lake).empty());

  // Another writer lands after the stream looked but before it committed:
  // the stream's newer commit does not hide it.
  CommitForeign(lake, {kDay2});
  CommitOwn(lake, {kDay1}, 6, 7);
  EXPECT_EQ(Changed(lake), std::set<int32_t>{kDay2});
}

TEST(GoldChangedByOthers, ANewProcessFindsWhatCameAfterTheStreamsLastCommit) {
  TempLake lake("gold_changed_by_others_restart");
  CommitOwn(lake, {kDay1, kDay2}, std::nullopt, 5);
  CommitForeign(lake, {kDay2});
  CommitForeign(lake, {kDay1});
  {
    GoldTablesKeptOpen keep;
    EXPECT_EQ(Changed(lake), (std::set<int32_t>{kDay1, kDay2}));
  }
  EXPECT_EQ(Changed(lake), (std::set<int32_t>{kDay1, kDay2}));  // without a keeper: the same scan
  CommitOwn(lake, {kDay1, kDay2}, 5, 6);
  EXPECT_TRUE(Changed(lake).empty());
}

}  // namespace
}  // namespace medallion::transform
