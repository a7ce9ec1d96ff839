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

// A steady stream (check, commit, check, commit...) reads no commit file:
// each commit leaves the table known to hold nothing foreign.
TEST(GoldChangedByOthers, ASteadyStreamNeedsNoLogReads) {
  TempLake lake("gold_changed_by_others_steady");
  GoldTablesKeptOpen keep;
  CommitOwn(lake, {kDay1}, std::nullopt, 1);
  for (int64_t silver = 2; silver < 6; ++silver) {
    EXPECT_TRUE(Changed(lake).empty());
    CommitOwn(lake, {kDay1}, silver - 1, silver);
  }
  auto table = delta::Table::Open(lake.path("gold/" + kTable));
  ASSERT_TRUE(table.ok());
  EXPECT_EQ(keep.checked((*table)->uri() + "#" + GoldAppId(kTable)).handled, (*table)->snapshot()->version());
}

// A user's file without a usable event_date cannot be narrowed to dates:
// everything is recomputed, and the stream does not stop on it.
TEST(GoldChangedByOthers, AChangeWithoutADateMeansEveryDate) {
  TempLake lake("gold_changed_by_others_null_date");
  CommitOwn(lake, {kDay1}, std::nullopt, 1);
  auto table = delta::Table::Open(lake.path("gold/" + kTable));
  ASSERT_TRUE(table.ok());
  arrow::Date32Builder days;
  ASSERT_TRUE(days.AppendNull().ok());
  auto rows = arrow::Table::Make(
      arrow::schema({arrow::field("event_date", arrow::date32()), arrow::field("revenue", arrow::float64())}),
      {days.Finish().ValueOrDie(), DoubleArray({5.0})});
  ASSERT_TRUE((*table)->Append(rows).ok());
  auto changes = GoldChangedByOthers(lake.uri(), kTable);
  ASSERT_TRUE(changes.ok()) << changes.status();
  EXPECT_TRUE(changes->all);
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
