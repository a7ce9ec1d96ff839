#include "medallion/orchestrate/logical_date.h"

#include <fmt/format.h>

#include <cctype>

namespace medallion::orchestrate {

namespace {

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return !s.empty();
}

}  // namespace

Result<std::chrono::year_month_day> ParseLogicalDate(std::string_view text) {
  auto invalid = [&] {
    return Status::InvalidArgument(fmt::format("'{}' is not a date of the form YYYY-MM-DD", text));
  };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return invalid();
  std::string_view y = text.substr(0, 4), m = text.substr(5, 2), d = text.substr(8, 2);
  if (!AllDigits(y) || !AllDigits(m) || !AllDigits(d)) return invalid();
  std::chrono::year_month_day date{std::chrono::year{std::stoi(std::string(y))},
                                   std::chrono::month{static_cast<unsigned>(std::stoi(std::string(m)))},
                                   std::chrono::day{static_cast<unsigned>(std::stoi(std::string(d)))}};
  if (!date.ok()) return invalid();
  return date;
}

std::string FormatLogicalDate(std::chrono::year_month_day date) {
  return fmt::format("{:04d}-{:02d}-{:02d}", static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                     static_cast<unsigned>(date.day()));
}

Result<std::vector<std::string>> LogicalDateRange(std::string_view from, std::string_view to) {
  MEDALLION_ASSIGN_OR_RETURN(auto first, ParseLogicalDate(from));
  MEDALLION_ASSIGN_OR_RETURN(auto last, ParseLogicalDate(to));
  std::chrono::sys_days day{first}, end{last};
  if (end < day) return Status::InvalidArgument(fmt::format("date range ends ({}) before it starts ({})", to, from));
  std::vector<std::string> dates;
  for (; day <= end; day += std::chrono::days{1}) dates.push_back(FormatLogicalDate(std::chrono::year_month_day{day}));
  return dates;
}

std::string TodayUtc() {
  auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  return FormatLogicalDate(std::chrono::year_month_day{today});
}

}  // namespace medallion::orchestrate
