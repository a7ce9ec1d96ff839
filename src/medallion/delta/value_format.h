// Text forms of dates and times used in the Delta log (partition values and
// file statistics). Always UTC.
#pragma once

#include <arrow/type_fwd.h>

#include <cstdint>
#include <string>

namespace medallion::delta {

// "2024-05-01" for days since the epoch.
std::string FormatDate(int32_t days);

// "2024-05-01<sep>13:45:00[.ffffff]": fraction only when non-zero.
std::string FormatTimestampMicros(int64_t micros, char separator);

// ISO-8601 with milliseconds and 'Z', as Spark writes timestamp statistics;
// `round_up` rounds a sub-millisecond remainder up (for maxValues, so the
// bound stays an upper bound).
std::string FormatStatsTimestamp(int64_t micros, bool round_up);

// Converts a timestamp value of `unit` to microseconds.
int64_t ToMicros(int64_t value, arrow::TimeUnit::type unit);

}  // namespace medallion::delta
