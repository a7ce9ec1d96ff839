// UTC calendar arithmetic for the generators: days since 1970-01-01 (the
// Arrow date32 / Delta date unit) and ISO-8601 timestamps with milliseconds.
#pragma once

#include <cstdint>
#include <string>

namespace medallion::ingest {

inline constexpr int64_t kMillisPerDay = 86'400'000;

// Days since the epoch for a proleptic Gregorian date.
int32_t DaysFromCivil(int year, unsigned month, unsigned day);

struct CivilDate {
  int year;
  unsigned month;  // 1..12
  unsigned day;    // 1..31
};
CivilDate CivilFromDays(int32_t days);

// 0 = Monday ... 6 = Sunday.
int DayOfWeek(int32_t days);

// 0-based day within its year.
int DayOfYear(int32_t days);

// "2024-05-01T10:00:00.123Z".
std::string FormatIsoMillis(int64_t epoch_ms);

// "2024-05-01".
std::string FormatDate(int32_t days);

// Today (UTC) in days since the epoch.
int32_t TodayUtc();

// Wall clock, milliseconds since the epoch.
int64_t NowMillis();

}  // namespace medallion::ingest
