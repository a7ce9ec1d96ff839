#include "medallion/delta/value_format.h"

#include <arrow/type.h>
#include <fmt/format.h>

#include <chrono>

namespace medallion::delta {

namespace {
int64_t FloorDiv(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }
}  // namespace

std::string FormatDate(int32_t days) {
  std::chrono::sys_days d{std::chrono::days{days}};
  std::chrono::year_month_day ymd{d};
  return fmt::format("{:04d}-{:02d}-{:02d}", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                     static_cast<unsigned>(ymd.day()));
}

std::string FormatTimestampMicros(int64_t micros, char separator) {
  int64_t secs = FloorDiv(micros, 1000000);
  int64_t frac = micros - secs * 1000000;
  auto days = static_cast<int32_t>(FloorDiv(secs, 86400));
  int64_t sod = secs - int64_t{days} * 86400;
  std::string out = fmt::format("{}{}{:02d}:{:02d}:{:02d}", FormatDate(days), separator, sod / 3600, (sod / 60) % 60,
                                sod % 60);
  if (frac != 0) out += fmt::format(".{:06d}", frac);
  return out;
}

std::string FormatStatsTimestamp(int64_t micros, bool round_up) {
  int64_t millis = FloorDiv(micros, 1000);
  if (round_up && millis * 1000 != micros) ++millis;
  int64_t secs = FloorDiv(millis, 1000);
  int64_t ms = millis - secs * 1000;
  auto days = static_cast<int32_t>(FloorDiv(secs, 86400));
  int64_t sod = secs - int64_t{days} * 86400;
  return fmt::format("{}T{:02d}:{:02d}:{:02d}.{:03d}Z", FormatDate(days), sod / 3600, (sod / 60) % 60, sod % 60, ms);
}

int64_t ToMicros(int64_t value, arrow::TimeUnit::type unit) {
  switch (unit) {
    case arrow::TimeUnit::SECOND: return value * 1000000;
    case arrow::TimeUnit::MILLI: return value * 1000;
    case arrow::TimeUnit::MICRO: return value;
    case arrow::TimeUnit::NANO: return FloorDiv(value, 1000);
  }
  return value;
}

}  // namespace medallion::delta
