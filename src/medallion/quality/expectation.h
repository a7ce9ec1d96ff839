// The model every suite format is parsed into: a Suite is an ordered list of
// Expectations, each a Great Expectations type name plus its kwargs, the
// `mostly` threshold and what the pipeline does with rows that fail it.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "medallion/common/result.h"

namespace medallion::quality {

// Ordered so kwargs keep the order the suite author wrote them in.
using Json = nlohmann::ordered_json;

// What a failed expectation does to the batch being validated.
//   warn:       record the result, keep every row.
//   drop:       remove the failing rows from the output.
//   quarantine: move the failing rows to the quarantine table with reasons.
//   fail:       stop; the caller commits nothing.
enum class Action { kWarn, kDrop, kQuarantine, kFail };

std::string_view ActionName(Action action);
// "warn" | "drop" | "quarantine" | "fail" (case-insensitive).
Result<Action> ParseAction(std::string_view name);

struct Expectation {
  std::string type;             // "expect_column_values_to_be_between"
  Json kwargs;        // always an object; includes "column" and "mostly" when given
  std::optional<std::string> column;
  double mostly = 1.0;
  Action action = Action::kWarn;
  Json meta = Json::object();

  // "expect_column_values_to_be_between(min_value=1, max_value=1000)": the
  // expectation as a call, without column and mostly, for reasons and logs.
  std::string Describe() const;
};

struct Suite {
  std::string name;
  Action default_action = Action::kWarn;
  std::vector<Expectation> expectations;
  Json meta = Json::object();
};

}  // namespace medallion::quality
