// The demo's simulated calendar: one simulated day passes every
// `day_seconds` of wall time, starting at midnight of `start_day`. Live
// events carry simulated times and the daily DAG runs for each simulated day
// that ends, so forecasts meet their actuals minutes later instead of days.
#pragma once

#include <chrono>
#include <cstdint>

namespace medallion::orchestrate {

class AcceleratedClock {
 public:
  using WallClock = std::chrono::steady_clock;

  AcceleratedClock(int32_t start_day, double day_seconds, WallClock::time_point origin = WallClock::now())
      : start_day_(start_day), day_seconds_(day_seconds), origin_(origin) {}

  // Simulated UTC time, milliseconds since the epoch.
  int64_t NowMillis(WallClock::time_point wall = WallClock::now()) const {
    const double elapsed = std::chrono::duration<double>(wall - origin_).count();
    return int64_t{start_day_} * kDayMillis + static_cast<int64_t>(elapsed / day_seconds_ * kDayMillis);
  }

  // Simulated day (days since the epoch).
  int32_t Today(WallClock::time_point wall = WallClock::now()) const {
    return static_cast<int32_t>(NowMillis(wall) / kDayMillis);
  }

  // Simulated events per wall second that make `per_day` events a simulated day.
  double WallRate(double per_day) const { return per_day / day_seconds_; }

  double day_seconds() const { return day_seconds_; }

  static constexpr int64_t kDayMillis = 86'400'000;

 private:
  int32_t start_day_;
  double day_seconds_;
  WallClock::time_point origin_;
};

}  // namespace medallion::orchestrate
