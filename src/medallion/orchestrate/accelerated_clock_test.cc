#include "medallion/orchestrate/accelerated_clock.h"

#include <gtest/gtest.h>

namespace medallion::orchestrate {
namespace {

using std::chrono::milliseconds;

TEST(AcceleratedClockTest, OneSimulatedDayPerDaySeconds) {
  const auto origin = AcceleratedClock::WallClock::time_point{} + std::chrono::hours(5);
  AcceleratedClock clock(20'000, 60.0, origin);
  EXPECT_EQ(clock.NowMillis(origin), 20'000LL * AcceleratedClock::kDayMillis);
  EXPECT_EQ(clock.Today(origin), 20'000);
  // Half a minute of wall time is noon.
  EXPECT_EQ(clock.NowMillis(origin + milliseconds(30'000)), 20'000LL * AcceleratedClock::kDayMillis + 43'200'000);
  EXPECT_EQ(clock.Today(origin + milliseconds(59'999)), 20'000);
  EXPECT_EQ(clock.Today(origin + milliseconds(60'000)), 20'001);
  EXPECT_EQ(clock.Today(origin + milliseconds(150'000)), 20'002);
}

TEST(AcceleratedClockTest, WallRateSpreadsADaysEventsOverDaySeconds) {
  AcceleratedClock clock(0, 30.0);
  EXPECT_DOUBLE_EQ(clock.WallRate(1'500), 50.0);
}

}  // namespace
}  // namespace medallion::orchestrate
