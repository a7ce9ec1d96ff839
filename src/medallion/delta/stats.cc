#include "medallion/delta/stats.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "medallion/common/arrow_compute.h"
#include "medallion/common/arrow_status.h"
#include "medallion/delta/value_format.h"

namespace medallion::delta {

// ordered_json keeps numRecords first, as Spark writes it.
using json = nlohmann::ordered_json;

namespace {

// Spark truncates long strings in stats; so do we, keeping bounds valid.
constexpr size_t kMaxStringPrefix = 32;

size_t Utf8PrefixLength(const std::string& s, size_t max_chars) {
  size_t chars = 0, i = 0;
  while (i < s.size() && chars < max_chars) {
    unsigned char c = s[i];
    i += c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    ++chars;
  }
  return std::min(i, s.size());
}

// Converts one min or max scalar to its stats JSON value; null json means
// "no usable bound" (NaN, unsupported type).
json BoundToJson(const arrow::Scalar& s, bool is_max) {
  if (!s.is_valid) return nullptr;
  switch (s.type->id()) {
    case arrow::Type::INT8: return static_cast<const arrow::Int8Scalar&>(s).value;
    case arrow::Type::INT16: return static_cast<const arrow::Int16Scalar&>(s).value;
    case arrow::Type::INT32: return static_cast<const arrow::Int32Scalar&>(s).value;
    case arrow::Type::INT64: return static_cast<const arrow::Int64Scalar&>(s).value;
    case arrow::Type::FLOAT: {
      float v = static_cast<const arrow::FloatScalar&>(s).value;
      return std::isfinite(v) ? json(v) : json(nullptr);
    }
    case arrow::Type::DOUBLE: {
      double v = static_cast<const arrow::DoubleScalar&>(s).value;
      return std::isfinite(v) ? json(v) : json(nullptr);
    }
    case arrow::Type::DATE32: return FormatDate(static_cast<const arrow::Date32Scalar&>(s).value);
    case arrow::Type::TIMESTAMP: {
      const auto& type = static_cast<const arrow::TimestampType&>(*s.type);
      int64_t micros = ToMicros(static_cast<const arrow::TimestampScalar&>(s).value, type.unit());
      // Truncated to milliseconds, exactly as Spark writes them; readers
      // (Spark, delta-rs, our PlanScan) widen a max by 1 ms when skipping.
      return FormatStatsTimestamp(micros, /*round_up=*/false);
    }
    case arrow::Type::STRING:
    case arrow::Type::LARGE_STRING: {
      std::string v = static_cast<const arrow::BaseBinaryScalar&>(s).ToString();
      size_t cut = Utf8PrefixLength(v, kMaxStringPrefix);
      if (cut == v.size()) return v;
      // A truncated max must still be >= every value: append U+10FFFF.
      if (is_max) return v.substr(0, cut) + "\xF4\x8F\xBF\xBF";
      return v.substr(0, cut);
    }
    case arrow::Type::DECIMAL128: {
      const auto& d = static_cast<const arrow::Decimal128Scalar&>(s);
      const auto& type = static_cast<const arrow::Decimal128Type&>(*s.type);
      return json::parse(d.value.ToString(type.scale()), nullptr, false);
    }
    default:
      return nullptr;
  }
}

bool HasMinMax(const arrow::DataType& type) {
  switch (type.id()) {
    case arrow::Type::INT8:
    case arrow::Type::INT16:
    case arrow::Type::INT32:
    case arrow::Type::INT64:
    case arrow::Type::FLOAT:
    case arrow::Type::DOUBLE:
    case arrow::Type::DATE32:
    case arrow::Type::TIMESTAMP:
    case arrow::Type::STRING:
    case arrow::Type::LARGE_STRING:
    case arrow::Type::DECIMAL128:
      return true;
    default:
      return false;
  }
}

Status CollectColumn(const std::shared_ptr<arrow::ChunkedArray>& column, const std::string& name, int* budget,
                     json* min_values, json* max_values, json* null_count) {
  const auto& type = *column->type();
  if (type.id() == arrow::Type::STRUCT) {
    json mins = json::object(), maxs = json::object(), nulls = json::object();
    for (int i = 0; i < type.num_fields(); ++i) {
      arrow::ArrayVector children;
      for (const auto& chunk : column->chunks()) {
        auto s = std::static_pointer_cast<arrow::StructArray>(chunk);
        MEDALLION_ASSIGN_OR_RETURN_ARROW(auto child, s->GetFlattenedField(i));
        children.push_back(child);
      }
      auto child_column = std::make_shared<arrow::ChunkedArray>(children, type.field(i)->type());
      MEDALLION_RETURN_IF_ERROR(
          CollectColumn(child_column, type.field(i)->name(), budget, &mins, &maxs, &nulls));
    }
    if (!mins.empty()) (*min_values)[name] = mins;
    if (!maxs.empty()) (*max_values)[name] = maxs;
    (*null_count)[name] = nulls;
    return Status::OK();
  }
  (*null_count)[name] = column->null_count();
  if (*budget <= 0) return Status::OK();
  --*budget;
  if (!HasMinMax(type) || column->null_count() == column->length()) return Status::OK();
  arrow::compute::ScalarAggregateOptions options(/*skip_nulls=*/true);
  MEDALLION_ASSIGN_OR_RETURN_ARROW(arrow::Datum result, arrow::compute::MinMax(column, options));
  const auto& pair = static_cast<const arrow::StructScalar&>(*result.scalar());
  json lo = BoundToJson(*pair.value[0], false);
  json hi = BoundToJson(*pair.value[1], true);
  // A NaN in a floating column makes min/max meaningless for skipping.
  if (type.id() == arrow::Type::DOUBLE || type.id() == arrow::Type::FLOAT) {
    MEDALLION_ASSIGN_OR_RETURN_ARROW(arrow::Datum nan_mask, arrow::compute::CallFunction("is_nan", {column}));
    MEDALLION_ASSIGN_OR_RETURN_ARROW(arrow::Datum any_nan, arrow::compute::Any(nan_mask));
    const auto& flag = static_cast<const arrow::BooleanScalar&>(*any_nan.scalar());
    if (flag.is_valid && flag.value) return Status::OK();
  }
  if (!lo.is_null() && !hi.is_null()) {
    (*min_values)[name] = std::move(lo);
    (*max_values)[name] = std::move(hi);
  }
  return Status::OK();
}

}  // namespace

Result<std::string> ComputeStatsJson(const arrow::Table& rows, int max_indexed_columns) {
  MEDALLION_RETURN_IF_ERROR(EnsureArrowComputeReady());
  json min_values = json::object(), max_values = json::object(), null_count = json::object();
  int budget = max_indexed_columns;
  for (int i = 0; i < rows.num_columns(); ++i) {
    MEDALLION_RETURN_IF_ERROR(CollectColumn(rows.column(i), rows.schema()->field(i)->name(), &budget, &min_values,
                                            &max_values, &null_count));
  }
  json stats = {{"numRecords", rows.num_rows()},
                {"minValues", min_values},
                {"maxValues", max_values},
                {"nullCount", null_count}};
  return stats.dump();
}

}  // namespace medallion::delta
