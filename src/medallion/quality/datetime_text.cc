#include "medallion/quality/datetime_text.h"

#include <arrow/util/value_parsing.h>

#include <memory>
#include <string>
#include <vector>

namespace medallion::quality {
namespace {

const std::vector<std::shared_ptr<arrow::TimestampParser>>& Parsers() {
  static const auto* parsers = [] {
    auto* list = new std::vector<std::shared_ptr<arrow::TimestampParser>>{arrow::TimestampParser::MakeISO8601()};
    for (const char* format : {
             "%Y/%m/%d", "%Y/%m/%d %H:%M", "%Y/%m/%d %H:%M:%S", "%m/%d/%Y", "%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S",
             "%Y%m%d", "%Y%m%dT%H%M%S", "%d %b %Y", "%d %B %Y", "%b %d %Y", "%B %d %Y", "%b %d, %Y", "%B %d, %Y",
             "%d %b %Y %H:%M:%S", "%a, %d %b %Y %H:%M:%S", "%a, %d %b %Y %H:%M:%S %z", "%Y-%m-%dT%H:%M:%S%z",
             "%Y-%m-%d %H:%M:%S%z", "%Y-%m-%d %H:%M:%S %z",
         }) {
      list->push_back(arrow::TimestampParser::MakeStrptime(format));
    }
    return list;
  }();
  return *parsers;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

}  // namespace

bool IsParseableDateTime(std::string_view raw) {
  std::string_view text = Trim(raw);
  if (text.empty()) return false;
  for (const auto& parser : Parsers()) {
    int64_t out = 0;
    if ((*parser)(text.data(), text.size(), arrow::TimeUnit::MICRO, &out)) return true;
  }
  return false;
}

}  // namespace medallion::quality
