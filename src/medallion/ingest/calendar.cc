#include "medallion/ingest/calendar.h"

#include <fmt/format.h>

#include <chrono>

namespace medallion::ingest {

namespace chr = std::chrono;

int32_t DaysFromCivil(int year, unsigned month, unsigned day) {
  const chr::sys_days d = chr::year{year} / chr::month{month} / chr::day{day};
  return static_cast<int32_t>(d.time_since_epoch().count());
}

CivilDate CivilFromDays(int32_t days) {
  const chr::year_month_day ymd{chr::sys_days{chr::days{days}}};
  return {static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day())};
}

int DayOfWeek(int32_t days) {
  // 1970-01-01 was a Thursday (index 3 with Monday = 0).
  return static_cast<int>(((static_cast<int64_t>(days) % 7) + 7 + 3) % 7);
}

int DayOfYear(int32_t days) { return days - DaysFromCivil(CivilFromDays(days).year, 1, 1); }

std::string FormatIsoMillis(int64_t epoch_ms) {
  int64_t day = epoch_ms / kMillisPerDay;
  int64_t rem = epoch_ms % kMillisPerDay;
  if (rem < 0) {
    rem += kMillisPerDay;
    --day;
  }
  const CivilDate d = CivilFromDays(static_cast<int32_t>(day));
  const int64_t secs = rem / 1000;
  return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}.{:03d}Z", d.year, d.month, d.day, secs / 3600,
                     (secs / 60) % 60, secs % 60, rem % 1000);
}

std::string FormatDate(int32_t days) {
  const CivilDate d = CivilFromDays(days);
  return fmt::format("{:04d}-{:02d}-{:02d}", d.year, d.month, d.day);
}

int64_t NowMillis() {
  return chr::duration_cast<chr::milliseconds>(chr::system_clock::now().time_since_epoch()).count();
}

int32_t TodayUtc() { return static_cast<int32_t>(NowMillis() / kMillisPerDay); }

}  // namespace medallion::ingest
