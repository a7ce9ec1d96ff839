// Logical dates: the day a DAG run is "for" (Airflow's `ds`), spelled
// YYYY-MM-DD. A run for 2024-03-01 processes that day's data whenever it
// actually runs, which is what makes backfills and re-runs meaningful.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "medallion/common/result.h"

namespace medallion::orchestrate {

// Parses "YYYY-MM-DD" (a real calendar day); InvalidArgument naming the text otherwise.
Result<std::chrono::year_month_day> ParseLogicalDate(std::string_view text);

std::string FormatLogicalDate(std::chrono::year_month_day date);

// Every day from `from` to `to`, both included, in order. `to` before `from`
// is InvalidArgument.
Result<std::vector<std::string>> LogicalDateRange(std::string_view from, std::string_view to);

// Today in UTC.
std::string TodayUtc();

}  // namespace medallion::orchestrate
