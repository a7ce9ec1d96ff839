#include "medallion/quality/expectation_catalog.h"

#include <algorithm>
#include <array>

namespace medallion::quality {
namespace {

// Names follow Great Expectations 1.x; `type_` is also accepted as `type`
// (GE 0.x suites sometimes carry the shorter spelling).
const std::vector<ExpectationSpec>& Specs() {
  static const std::vector<ExpectationSpec> specs = {
      {"expect_column_to_exist", ExpectationKind::kTable, {"column"}, {"column_index"}},
      {"expect_table_columns_to_match_set", ExpectationKind::kTable, {"column_set"}, {"exact_match"}},
      {"expect_table_row_count_to_be_between",
       ExpectationKind::kTable,
       {},
       {"min_value", "max_value", "strict_min", "strict_max"}},
      {"expect_column_values_to_not_be_null", ExpectationKind::kColumnMap, {"column"}, {"mostly"}},
      {"expect_column_values_to_be_between",
       ExpectationKind::kColumnMap,
       {"column"},
       {"min_value", "max_value", "strict_min", "strict_max", "mostly"}},
      {"expect_column_values_to_be_in_set", ExpectationKind::kColumnMap, {"column", "value_set"}, {"mostly"}},
      {"expect_column_values_to_match_regex", ExpectationKind::kColumnMap, {"column", "regex"}, {"mostly"}},
      {"expect_column_values_to_be_unique", ExpectationKind::kColumnMap, {"column"}, {"mostly"}},
      {"expect_column_values_to_be_of_type", ExpectationKind::kColumnWhole, {"column", "type_"}, {"mostly"}},
      {"expect_column_value_lengths_to_be_between",
       ExpectationKind::kColumnMap,
       {"column"},
       {"min_value", "max_value", "strict_min", "strict_max", "mostly"}},
      {"expect_column_values_to_be_dateutil_parseable", ExpectationKind::kColumnMap, {"column"}, {"mostly"}},
  };
  return specs;
}

// Kwargs Great Expectations attaches to any expectation that do not change
// what is evaluated here; accepted and ignored.
constexpr std::array<std::string_view, 6> kIgnoredKwargs = {
    "batch_id", "result_format", "include_config", "catch_exceptions", "condition_parser", "description"};

bool Contains(const std::vector<std::string_view>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

Status Bad(std::string_view where, const Expectation& e, const std::string& what) {
  return Status::InvalidArgument(std::string(where) + " (" + e.type + "): " + what);
}

bool IsBoundValue(const Json& v) { return v.is_null() || v.is_number() || v.is_string(); }

}  // namespace

const ExpectationSpec* FindExpectationSpec(std::string_view type) {
  for (const auto& spec : Specs()) {
    if (spec.type == type) return &spec;
  }
  return nullptr;
}

std::string SupportedExpectationTypes() {
  std::string out;
  for (const auto& spec : Specs()) {
    if (!out.empty()) out += ", ";
    out += spec.type;
  }
  return out;
}

Status CheckExpectation(const Expectation& e, std::string_view where) {
  const ExpectationSpec* spec = FindExpectationSpec(e.type);
  if (spec == nullptr) {
    return Status::InvalidArgument(std::string(where) + ": unknown expectation type '" + e.type +
                                   "' (supported: " + SupportedExpectationTypes() + ")");
  }
  if (!e.kwargs.is_object()) return Bad(where, e, "kwargs must be a mapping");
  for (std::string_view key : spec->required) {
    if (!e.kwargs.contains(key) || e.kwargs.at(std::string(key)).is_null()) {
      return Bad(where, e, "missing required kwarg '" + std::string(key) + "'");
    }
  }
  for (const auto& [key, value] : e.kwargs.items()) {
    if (Contains(spec->required, key) || Contains(spec->optional, key)) continue;
    if (std::find(kIgnoredKwargs.begin(), kIgnoredKwargs.end(), key) != kIgnoredKwargs.end()) continue;
    if (key == "row_condition" && value.is_null()) continue;
    if (key == "row_condition") return Bad(where, e, "kwarg 'row_condition' is not supported");
    return Bad(where, e, "unknown kwarg '" + key + "'");
  }
  if (e.kwargs.contains("column") && !e.kwargs["column"].is_string()) {
    return Bad(where, e, "kwarg 'column' must be a string");
  }
  if (e.kwargs.contains("mostly")) {
    const Json& mostly = e.kwargs["mostly"];
    if (!mostly.is_number() || mostly.get<double>() < 0.0 || mostly.get<double>() > 1.0) {
      return Bad(where, e, "kwarg 'mostly' must be a number between 0 and 1, got " + mostly.dump());
    }
  }
  for (std::string_view bound : {"min_value", "max_value"}) {
    if (e.kwargs.contains(bound) && !IsBoundValue(e.kwargs[std::string(bound)])) {
      return Bad(where, e, "kwarg '" + std::string(bound) + "' must be a number, a string or null");
    }
  }
  for (std::string_view flag : {"strict_min", "strict_max", "exact_match"}) {
    if (e.kwargs.contains(flag) && !e.kwargs[std::string(flag)].is_boolean() &&
        !e.kwargs[std::string(flag)].is_null()) {
      return Bad(where, e, "kwarg '" + std::string(flag) + "' must be true or false");
    }
  }
  if (e.kwargs.contains("value_set") && !e.kwargs["value_set"].is_array()) {
    return Bad(where, e, "kwarg 'value_set' must be a list");
  }
  if (e.kwargs.contains("column_set") && !e.kwargs["column_set"].is_array()) {
    return Bad(where, e, "kwarg 'column_set' must be a list of column names");
  }
  for (std::string_view text : {"regex", "type_"}) {
    if (e.kwargs.contains(text) && !e.kwargs[std::string(text)].is_string()) {
      return Bad(where, e, "kwarg '" + std::string(text) + "' must be a string");
    }
  }
  return Status::OK();
}

}  // namespace medallion::quality
