// Whether a string reads as a date or a date-time: the check behind
// expect_column_values_to_be_dateutil_parseable.
//
// python-dateutil's parser is famously lenient (it accepts "5", "Jan" and
// fuzzy text); medallion accepts the unambiguous forms real feeds carry
// instead: ISO 8601 dates and date-times (with 'T' or ' ', fractions, 'Z' or
// an offset), slashed dates (2024/01/31, 01/31/2024, with optional time),
// compact 20240131, and English month-name forms ("31 Jan 2024",
// "January 31, 2024", RFC 2822 "Wed, 31 Jan 2024 10:00:00 +0000"). Calendar
// validity is checked (2024-02-30 is rejected), as dateutil does.
#pragma once

#include <string_view>

namespace medallion::quality {

bool IsParseableDateTime(std::string_view text);

}  // namespace medallion::quality
