#include "medallion/quality/expectation.h"

#include <algorithm>
#include <cctype>

namespace medallion::quality {

std::string_view ActionName(Action action) {
  switch (action) {
    case Action::kWarn:
      return "warn";
    case Action::kDrop:
      return "drop";
    case Action::kQuarantine:
      return "quarantine";
    case Action::kFail:
      return "fail";
  }
  return "warn";
}

Result<Action> ParseAction(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lower == "warn") return Action::kWarn;
  if (lower == "drop") return Action::kDrop;
  if (lower == "quarantine") return Action::kQuarantine;
  if (lower == "fail") return Action::kFail;
  return Status::InvalidArgument("unknown action '" + std::string(name) + "' (expected warn, drop, quarantine or fail)");
}

std::string Expectation::Describe() const {
  std::string out = type + "(";
  bool first = true;
  for (const auto& [key, value] : kwargs.items()) {
    if (key == "column" || key == "mostly") continue;
    if (!first) out += ", ";
    first = false;
    out += key + "=" + value.dump();
  }
  return out + ")";
}

}  // namespace medallion::quality
