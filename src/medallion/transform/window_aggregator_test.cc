#include "medallion/transform/window_aggregator.h"

#include <arrow/api.h>
#include <gtest/gtest.h>

#include "medallion/transform/gold_columns.h"

namespace medallion::transform {
namespace {

constexpr int64_t kMin = kMicrosPerMinute;

WindowAggregator FiveMinutes() { return *WindowAggregator::Make({5 * kMin, 10 * kMin}); }

TEST(WindowAggregator, ClosesWindowsOnceTheWatermarkPassesTheirEnd) {
  auto agg = FiveMinutes();
  agg.Add({1 * kMin, "a", 1});
  agg.Add({3 * kMin, "a", 2});
  agg.Add({7 * kMin, "b", 5});
  EXPECT_EQ(agg.watermark_us(), -3 * kMin);
  EXPECT_TRUE(agg.TakeClosed().empty());
  agg.Add({16 * kMin, "a", 4});  // watermark 6 min: [0, 5) is done
  auto closed = agg.TakeClosed();
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0].window_start_us, 0);
  EXPECT_EQ(closed[0].window_end_us, 5 * kMin);
  EXPECT_EQ(closed[0].key, "a");
  EXPECT_EQ(closed[0].events, 2);
  EXPECT_DOUBLE_EQ(closed[0].sum, 3);
  EXPECT_TRUE(agg.TakeClosed().empty());  // emitted once
  EXPECT_EQ(agg.open_windows(), 2u);
}

TEST(WindowAggregator, LateEventsAreReportedNotLostNorAdded) {
  auto agg = FiveMinutes();
  agg.Add({1 * kMin, "a", 1});
  agg.Add({16 * kMin, "a", 4});  // watermark 6 min
  ASSERT_EQ(agg.TakeClosed().size(), 1u);
  agg.Add({2 * kMin, "a", 7});   // its window [0, 5) was emitted: late
  agg.Add({8 * kMin, "b", 3});   // behind the max time but its window is open: counted
  auto late = agg.TakeLate();
  ASSERT_EQ(late.size(), 1u);
  EXPECT_EQ(late[0].event.event_time_us, 2 * kMin);
  EXPECT_DOUBLE_EQ(late[0].event.value, 7);
  EXPECT_EQ(late[0].watermark_us, 6 * kMin);
  EXPECT_EQ(late[0].window_start_us, 0);
  EXPECT_TRUE(agg.TakeLate().empty());
  auto rest = agg.TakeAll();
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_EQ(rest[0].key, "b");
  EXPECT_EQ(rest[0].window_start_us, 5 * kMin);
  EXPECT_EQ(rest[1].window_start_us, 15 * kMin);
  // Every input event is either in a window or in the late list.
  int64_t total = 1 + rest[0].events + rest[1].events + static_cast<int64_t>(late.size());
  EXPECT_EQ(total, 4);
}

TEST(WindowAggregator, WatermarkNeverMovesBack) {
  auto agg = FiveMinutes();
  agg.Add({30 * kMin, "a", 1});
  agg.Add({25 * kMin, "a", 1});
  EXPECT_EQ(agg.watermark_us(), 20 * kMin);
}

TEST(WindowAggregator, HourWindowsAndTimesBefore1970) {
  auto agg = *WindowAggregator::Make({60 * kMin, 10 * kMin});
  EXPECT_EQ(agg.WindowStart(59 * kMin), 0);
  EXPECT_EQ(agg.WindowStart(61 * kMin), 60 * kMin);
  EXPECT_EQ(agg.WindowStart(-1), -60 * kMin);
}

TEST(WindowAggregator, RejectsBadOptions) {
  EXPECT_TRUE(WindowAggregator::Make({0, 10 * kMin}).status().IsInvalidArgument());
  EXPECT_TRUE(WindowAggregator::Make({5 * kMin, -1}).status().IsInvalidArgument());
}

TEST(WindowAggregator, AddTableConvertsTimestampUnits) {
  arrow::TimestampBuilder ts(arrow::timestamp(arrow::TimeUnit::MILLI, "UTC"), arrow::default_memory_pool());
  arrow::StringBuilder city;
  arrow::DoubleBuilder revenue;
  ASSERT_TRUE(ts.AppendValues({60'000, 120'000, 400'000}).ok());
  ASSERT_TRUE(city.AppendValues({"Berlin", "Berlin", "Paris"}).ok());
  ASSERT_TRUE(revenue.AppendValues({1.5, 2.5, 4}).ok());
  auto table = arrow::Table::Make(
      arrow::schema({arrow::field("event_time", ts.type()), arrow::field("city", arrow::utf8()),
                     arrow::field("revenue", arrow::float64())}),
      {ts.Finish().ValueOrDie(), city.Finish().ValueOrDie(), revenue.Finish().ValueOrDie()});
  auto agg = FiveMinutes();
  ASSERT_TRUE(agg.AddTable(*table, "event_time", "city", "revenue").ok());
  auto all = agg.TakeAll();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].key, "Berlin");
  EXPECT_DOUBLE_EQ(all[0].sum, 4);
  EXPECT_EQ(all[1].window_start_us, 5 * kMin);
  auto out = WindowResultsToTable(all, agg.window_size_us(), "city");
  EXPECT_EQ(out->num_rows(), 2);
  EXPECT_EQ(*ReadInt64(*out, "window_minutes"), (std::vector<int64_t>{5, 5}));
  EXPECT_TRUE(agg.AddTable(*table, "missing", "city", "revenue").IsInvalidArgument());
  EXPECT_TRUE(agg.AddTable(*table, "city", "city", "revenue").IsInvalidArgument());
}

TEST(LateEventsToTable, OneRowPerLateEventWithItsDate) {
  std::vector<LateEvent> late = {{{86'400'000'000LL + 5, "x", 2}, 86'400'000'000LL, 86'400'000'000LL + 10, 5 * kMin}};
  auto t = LateEventsToTable(late);
  ASSERT_EQ(t->num_rows(), 1);
  EXPECT_EQ(*ReadDate32(*t, "event_date"), (std::vector<int32_t>{1}));
  EXPECT_EQ(*ReadString(*t, "key"), (std::vector<std::string>{"x"}));
  EXPECT_EQ(*ReadInt64(*t, "window_minutes"), (std::vector<int64_t>{5}));
}

}  // namespace
}  // namespace medallion::transform
