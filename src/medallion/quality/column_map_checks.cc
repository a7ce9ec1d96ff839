#include "medallion/quality/column_map_checks.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <arrow/compute/initialize.h>

#include <mutex>
#include <regex>

#include "medallion/common/arrow_status.h"
#include "medallion/quality/datetime_text.h"

namespace medallion::quality {
namespace {

namespace cp = arrow::compute;

bool IsStringLike(const arrow::DataType& type) {
  return type.id() == arrow::Type::STRING || type.id() == arrow::Type::LARGE_STRING ||
         type.id() == arrow::Type::STRING_VIEW;
}

bool IsTemporal(const arrow::DataType& type) {
  return type.id() == arrow::Type::TIMESTAMP || type.id() == arrow::Type::DATE32 || type.id() == arrow::Type::DATE64;
}

Result<std::shared_ptr<arrow::BooleanArray>> AsBoolean(const arrow::Datum& datum) {
  if (!datum.is_array() || datum.type()->id() != arrow::Type::BOOL) {
    return Status::Internal("expected a boolean array from a compute kernel, got " + datum.ToString());
  }
  return std::static_pointer_cast<arrow::BooleanArray>(datum.make_array());
}

Result<std::shared_ptr<arrow::BooleanArray>> Invert(const arrow::Datum& expected) {
  MEDALLION_ASSIGN_OR_RETURN_ARROW(arrow::Datum inverted, cp::Invert(expected));
  return AsBoolean(inverted);
}

// Text form of any column, the way GE's pandas metrics call astype(str).
Result<std::shared_ptr<arrow::Array>> AsUtf8(const std::shared_ptr<arrow::Array>& column) {
  if (column->type_id() == arrow::Type::STRING) return column;
  MEDALLION_ASSIGN_OR_RETURN_ARROW(arrow::Datum cast, cp::Cast(column, arrow::utf8()));
  return cast.make_array();
}

// Text to a timestamp/date of `type`. Arrow refuses to cast a string without
// a UTC offset to a zoned timestamp; such text is read as UTC (zoned
// timestamps are stored as UTC instants, so the value is the same).
Result<arrow::Datum> ParseTemporal(const arrow::Datum& text, const std::shared_ptr<arrow::DataType>& type) {
  auto direct = cp::Cast(text, type);
  if (direct.ok()) return *direct;
  if (type->id() == arrow::Type::TIMESTAMP) {
    const auto& ts = static_cast<const arrow::TimestampType&>(*type);
    auto naive = cp::Cast(text, arrow::timestamp(ts.unit()));
    if (naive.ok()) {
      MEDALLION_ASSIGN_OR_RETURN_ARROW(arrow::Datum zoned, cp::Cast(*naive, type));
      return zoned;
    }
  }
  return Status::InvalidArgument("not a valid " + type->ToString() + ": " + direct.status().message());
}

// A min/max bound as a scalar comparable with `column`: numbers compare with
// numbers (Arrow promotes int64 vs double), strings with strings, and a
// string bound on a timestamp/date column is parsed as one (GE parses it with
// dateutil).
Result<std::shared_ptr<arrow::Scalar>> BoundScalar(const Json& bound, const std::string& key,
                                                   const std::shared_ptr<arrow::DataType>& type) {
  if (bound.is_number_integer() && arrow::is_integer(type->id())) {
    return std::static_pointer_cast<arrow::Scalar>(std::make_shared<arrow::Int64Scalar>(bound.get<int64_t>()));
  }
  if (bound.is_number()) {
    if (!arrow::is_numeric(type->id())) {
      return Status::InvalidArgument(key + "=" + bound.dump() + " is a number but the column is " + type->ToString());
    }
    return std::static_pointer_cast<arrow::Scalar>(std::make_shared<arrow::DoubleScalar>(bound.get<double>()));
  }
  if (bound.is_string()) {
    auto text = std::make_shared<arrow::StringScalar>(bound.get<std::string>());
    if (IsStringLike(*type)) return std::static_pointer_cast<arrow::Scalar>(text);
    if (IsTemporal(*type)) {
      auto parsed = ParseTemporal(arrow::Datum(text), type);
      if (!parsed.ok()) return parsed.status().WithContext(key + "=" + bound.dump());
      return parsed->scalar();
    }
    return Status::InvalidArgument(key + "=" + bound.dump() + " is a string but the column is " + type->ToString());
  }
  return Status::InvalidArgument(key + " must be a number or a string, got " + bound.dump());
}

bool Flag(const Json& kwargs, const char* key) {
  return kwargs.contains(key) && kwargs[key].is_boolean() && kwargs[key].get<bool>();
}

// min_value <= value <= max_value (strict variants on request); GE rejects a
// range with neither bound or with min > max.
Result<std::shared_ptr<arrow::BooleanArray>> OutsideRange(const Expectation& e, const arrow::Datum& values) {
  const Json& kw = e.kwargs;
  const Json min = kw.contains("min_value") ? kw["min_value"] : Json(nullptr);
  const Json max = kw.contains("max_value") ? kw["max_value"] : Json(nullptr);
  if (min.is_null() && max.is_null()) {
    return Status::InvalidArgument("min_value and max_value cannot both be null");
  }
  if (min.is_number() && max.is_number() && min.get<double>() > max.get<double>()) {
    return Status::InvalidArgument("min_value " + min.dump() + " is greater than max_value " + max.dump());
  }
  std::optional<arrow::Datum> inside;
  auto conjoin = [&](arrow::Datum part) -> Status {
    if (!inside) {
      inside = std::move(part);
      return Status::OK();
    }
    MEDALLION_ASSIGN_OR_RETURN_ARROW(inside, cp::And(*inside, part));
    return Status::OK();
  };
  if (!min.is_null()) {
    MEDALLION_ASSIGN_OR_RETURN(auto bound, BoundScalar(min, "min_value", values.type()));
    MEDALLION_ASSIGN_OR_RETURN_ARROW(
        arrow::Datum above, cp::CallFunction(Flag(kw, "strict_min") ? "greater" : "greater_equal", {values, bound}));
    MEDALLION_RETURN_IF_ERROR(conjoin(std::move(above)));
  }
  if (!max.is_null()) {
    MEDALLION_ASSIGN_OR_RETURN(auto bound, BoundScalar(max, "max_value", values.type()));
    MEDALLION_ASSIGN_OR_RETURN_ARROW(
        arrow::Datum below, cp::CallFunction(Flag(kw, "strict_max") ? "less" : "less_equal", {values, bound}));
    MEDALLION_RETURN_IF_ERROR(conjoin(std::move(below)));
  }
  return Invert(*inside);
}

Result<std::shared_ptr<arrow::BooleanArray>> ValueLengthsOutside(const Expectation& e,
                                                                 const std::shared_ptr<arrow::Array>& column) {
  for (const char* key : {"min_value", "max_value"}) {
    if (e.kwargs.contains(key) && !e.kwargs[key].is_null() && !e.kwargs[key].is_number_integer()) {
      return Status::InvalidArgument(std::string(key) + " must be an integer length, got " + e.kwargs[key].dump());
    }
  }
  MEDALLION_ASSIGN_OR_RETURN(auto text, AsUtf8(column));
  MEDALLION_ASSIGN_OR_RETURN_ARROW(arrow::Datum lengths, cp::CallFunction("utf8_length", {text}));
  return OutsideRange(e, lengths);
}

Result<std::shared_ptr<arrow::BooleanArray>> NotMatchingRegex(const Expectation& e,
                                                              const std::shared_ptr<arrow::Array>& column) {
  const std::string pattern = e.kwargs["regex"].get<std::string>();
  MEDALLION_ASSIGN_OR_RETURN(auto text, AsUtf8(column));
  // GE uses Python's re.search (a match anywhere), as does Arrow's RE2 kernel.
  cp::MatchSubstringOptions options(pattern);
  auto matched = cp::CallFunction("match_substring_regex", {text}, &options);
  if (matched.ok()) return Invert(*matched);
  if (!matched.status().IsNotImplemented()) {
    return Status::InvalidArgument("regex " + Json(pattern).dump() + ": " + matched.status().message());
  }
  // Arrow built without RE2: std::regex (ECMAScript) is close enough to Python's re for common patterns.
  std::regex re;
  try {
    re = std::regex(pattern);
  } catch (const std::regex_error& err) {
    return Status::InvalidArgument("regex " + Json(pattern).dump() + ": " + err.what());
  }
  const auto& strings = static_cast<const arrow::StringArray&>(*text);
  arrow::BooleanBuilder builder;
  MEDALLION_RETURN_IF_ARROW_ERROR(builder.Reserve(strings.length()));
  for (int64_t i = 0; i < strings.length(); ++i) {
    builder.UnsafeAppend(!strings.IsNull(i) && !std::regex_search(strings.GetString(i), re));
  }
  std::shared_ptr<arrow::BooleanArray> out;
  MEDALLION_RETURN_IF_ARROW_ERROR(builder.Finish(&out));
  return out;
}

// The value_set as an array of the column's kind; values of another kind can
// never match (pandas' isin compares 1 and "1" as different), so they are
// left out.
Result<std::pair<std::shared_ptr<arrow::Array>, std::shared_ptr<arrow::Array>>> SetLookupInputs(
    const Json& value_set, const std::shared_ptr<arrow::Array>& column) {
  const auto& type = column->type();
  if (arrow::is_integer(type->id()) || arrow::is_floating(type->id())) {
    arrow::DoubleBuilder builder;
    for (const auto& v : value_set) {
      if (v.is_number()) MEDALLION_RETURN_IF_ARROW_ERROR(builder.Append(v.get<double>()));
    }
    MEDALLION_ASSIGN_OR_RETURN_ARROW(auto set, builder.Finish());
    MEDALLION_ASSIGN_OR_RETURN_ARROW(arrow::Datum values, cp::Cast(column, arrow::float64()));
    return std::make_pair(values.make_array(), set);
  }
  if (type->id() == arrow::Type::BOOL) {
    arrow::BooleanBuilder builder;
    for (const auto& v : value_set) {
      if (v.is_boolean()) MEDALLION_RETURN_IF_ARROW_ERROR(builder.Append(v.get<bool>()));
    }
    MEDALLION_ASSIGN_OR_RETURN_ARROW(auto set, builder.Finish());
    return std::make_pair(column, set);
  }
  arrow::StringBuilder builder;
  for (const auto& v : value_set) {
    if (v.is_string()) MEDALLION_RETURN_IF_ARROW_ERROR(builder.Append(v.get<std::string>()));
  }
  MEDALLION_ASSIGN_OR_RETURN_ARROW(std::shared_ptr<arrow::Array> set, builder.Finish());
  if (IsTemporal(*type)) {
    auto cast = ParseTemporal(set, type);
    if (!cast.ok()) return cast.status().WithContext("value_set");
    return std::make_pair(column, cast->make_array());
  }
  MEDALLION_ASSIGN_OR_RETURN(auto text, AsUtf8(column));
  return std::make_pair(text, set);
}

Result<std::shared_ptr<arrow::BooleanArray>> NotInSet(const Expectation& e, const std::shared_ptr<arrow::Array>& column) {
  MEDALLION_ASSIGN_OR_RETURN(auto inputs, SetLookupInputs(e.kwargs["value_set"], column));
  cp::SetLookupOptions options(inputs.second);
  MEDALLION_ASSIGN_OR_RETURN_ARROW(arrow::Datum in_set, cp::IsIn(inputs.first, options));
  return Invert(in_set);
}

// pandas' duplicated(keep=False): every occurrence of a repeated value is unexpected.
Result<std::shared_ptr<arrow::BooleanArray>> Duplicated(const std::shared_ptr<arrow::Array>& column) {
  MEDALLION_ASSIGN_OR_RETURN_ARROW(auto counts, cp::ValueCounts(column));
  auto values = counts->GetFieldByName("values");
  auto occurrences = counts->GetFieldByName("counts");
  MEDALLION_ASSIGN_OR_RETURN_ARROW(arrow::Datum repeated,
                                   cp::CallFunction("greater", {occurrences, arrow::MakeScalar(int64_t{1})}));
  MEDALLION_ASSIGN_OR_RETURN_ARROW(arrow::Datum repeated_values, cp::Filter(values, repeated));
  cp::SetLookupOptions options(repeated_values);
  MEDALLION_ASSIGN_OR_RETURN_ARROW(arrow::Datum duplicated, cp::IsIn(column, options));
  return AsBoolean(duplicated);
}

Result<std::shared_ptr<arrow::BooleanArray>> NotDateTime(const std::shared_ptr<arrow::Array>& column) {
  arrow::BooleanBuilder builder;
  MEDALLION_RETURN_IF_ARROW_ERROR(builder.Reserve(column->length()));
  if (IsTemporal(*column->type())) {
    // Already a date/time: every value is one.
    for (int64_t i = 0; i < column->length(); ++i) builder.UnsafeAppend(false);
  } else if (IsStringLike(*column->type())) {
    MEDALLION_ASSIGN_OR_RETURN(auto text, AsUtf8(column));
    const auto& strings = static_cast<const arrow::StringArray&>(*text);
    for (int64_t i = 0; i < strings.length(); ++i) {
      builder.UnsafeAppend(!strings.IsNull(i) && !IsParseableDateTime(strings.GetView(i)));
    }
  } else {
    return Status::InvalidArgument("values must be strings (or already dates/timestamps), the column is " +
                                   column->type()->ToString());
  }
  std::shared_ptr<arrow::BooleanArray> out;
  MEDALLION_RETURN_IF_ARROW_ERROR(builder.Finish(&out));
  return out;
}

}  // namespace

Status EnsureArrowComputeReady() {
  static Status status = FromArrow(cp::Initialize());
  return status;
}

Result<std::shared_ptr<arrow::BooleanArray>> MissingMask(const std::shared_ptr<arrow::Array>& column) {
  MEDALLION_RETURN_IF_ERROR(EnsureArrowComputeReady());
  cp::NullOptions options(/*nan_is_null=*/true);
  MEDALLION_ASSIGN_OR_RETURN_ARROW(arrow::Datum missing, cp::IsNull(column, options));
  return AsBoolean(missing);
}

Result<std::shared_ptr<arrow::BooleanArray>> UnexpectedMask(const Expectation& e,
                                                            const std::shared_ptr<arrow::Array>& column) {
  MEDALLION_RETURN_IF_ERROR(EnsureArrowComputeReady());
  if (e.type == "expect_column_values_to_be_between") return OutsideRange(e, column);
  if (e.type == "expect_column_value_lengths_to_be_between") return ValueLengthsOutside(e, column);
  if (e.type == "expect_column_values_to_be_in_set") return NotInSet(e, column);
  if (e.type == "expect_column_values_to_match_regex") return NotMatchingRegex(e, column);
  if (e.type == "expect_column_values_to_be_unique") return Duplicated(column);
  if (e.type == "expect_column_values_to_be_dateutil_parseable") return NotDateTime(column);
  return Status::Internal("no per-value test for " + e.type);
}

}  // namespace medallion::quality
