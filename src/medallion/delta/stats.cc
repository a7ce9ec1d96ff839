#include "medallion/delta/stats.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>

#include <parquet/metadata.h>
#include <parquet/statistics.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>
#include <variant>

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
  if (type.id() == arrow::Type::DICTIONARY) {
    const auto& value_type = static_cast<const arrow::DictionaryType&>(type).value_type();
    MEDALLION_ASSIGN_OR_RETURN_ARROW(arrow::Datum decoded, arrow::compute::Cast(column, value_type));
    return CollectColumn(decoded.chunked_array(), name, budget, min_values, max_values, null_count);
  }
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

// A column's bound as the Parquet footer stores it (by physical type).
using FooterBound = std::variant<int64_t, double, std::string>;

struct FooterColumnStats {
  int64_t null_count = 0;
  std::optional<FooterBound> min, max;  // unset: no non-null value
};

// Statistics of leaf column `leaf` merged over the footer's row groups;
// nullopt when a row group lacks any of them or holds inexact bounds.
std::optional<FooterColumnStats> ReadFooterStats(const parquet::FileMetaData& footer, int leaf) {
  FooterColumnStats out;
  for (int r = 0; r < footer.num_row_groups(); ++r) {
    auto chunk = footer.RowGroup(r)->ColumnChunk(leaf);
    if (!chunk->is_stats_set()) return std::nullopt;
    auto stats = chunk->statistics();
    if (!stats || !stats->HasNullCount()) return std::nullopt;
    out.null_count += stats->null_count();
    if (!stats->HasMinMax()) {
      // Writers drop oversized bounds (and NaN-only float ones) silently.
      if (chunk->num_values() > stats->null_count()) return std::nullopt;
      continue;
    }
    if (stats->is_min_value_exact() == false || stats->is_max_value_exact() == false) return std::nullopt;
    FooterBound lo, hi;
    switch (stats->physical_type()) {
      case parquet::Type::INT32: {
        const auto& typed = static_cast<const parquet::Int32Statistics&>(*stats);
        lo = int64_t{typed.min()};
        hi = int64_t{typed.max()};
        break;
      }
      case parquet::Type::INT64: {
        const auto& typed = static_cast<const parquet::Int64Statistics&>(*stats);
        lo = int64_t{typed.min()};
        hi = int64_t{typed.max()};
        break;
      }
      case parquet::Type::FLOAT: {
        const auto& typed = static_cast<const parquet::FloatStatistics&>(*stats);
        lo = double{typed.min()};
        hi = double{typed.max()};
        break;
      }
      case parquet::Type::DOUBLE: {
        const auto& typed = static_cast<const parquet::DoubleStatistics&>(*stats);
        lo = typed.min();
        hi = typed.max();
        break;
      }
      case parquet::Type::BYTE_ARRAY: {
        const auto& typed = static_cast<const parquet::ByteArrayStatistics&>(*stats);
        lo = std::string(reinterpret_cast<const char*>(typed.min().ptr), typed.min().len);
        hi = std::string(reinterpret_cast<const char*>(typed.max().ptr), typed.max().len);
        break;
      }
      default:
        return std::nullopt;
    }
    // Byte strings compare as std::string does (unsigned bytes), as Arrow's
    // writer orders UTF-8.
    if (!out.min || lo < *out.min) out.min = std::move(lo);
    if (!out.max || *out.max < hi) out.max = std::move(hi);
  }
  return out;
}

// The footer bound as a scalar of the column's type, for BoundToJson;
// nullptr for types the footer path does not handle.
std::shared_ptr<arrow::Scalar> FooterBoundToScalar(const FooterBound& bound, const arrow::DataType& type) {
  switch (type.id()) {
    case arrow::Type::INT8: return std::make_shared<arrow::Int8Scalar>(static_cast<int8_t>(std::get<int64_t>(bound)));
    case arrow::Type::INT16:
      return std::make_shared<arrow::Int16Scalar>(static_cast<int16_t>(std::get<int64_t>(bound)));
    case arrow::Type::INT32:
      return std::make_shared<arrow::Int32Scalar>(static_cast<int32_t>(std::get<int64_t>(bound)));
    case arrow::Type::INT64: return std::make_shared<arrow::Int64Scalar>(std::get<int64_t>(bound));
    case arrow::Type::DATE32:
      return std::make_shared<arrow::Date32Scalar>(static_cast<int32_t>(std::get<int64_t>(bound)));
    case arrow::Type::TIMESTAMP:
      // The writer coerces every timestamp to microseconds (data_writer.cc).
      return std::make_shared<arrow::TimestampScalar>(
          std::get<int64_t>(bound),
          arrow::timestamp(arrow::TimeUnit::MICRO, static_cast<const arrow::TimestampType&>(type).timezone()));
    // Parquet writes a zero min as -0.0 and a zero max as +0.0; a second
    // pass over the data reports plain 0.
    case arrow::Type::FLOAT: {
      double v = std::get<double>(bound);
      return std::make_shared<arrow::FloatScalar>(static_cast<float>(v == 0 ? 0.0 : v));
    }
    case arrow::Type::DOUBLE: {
      double v = std::get<double>(bound);
      return std::make_shared<arrow::DoubleScalar>(v == 0 ? 0.0 : v);
    }
    case arrow::Type::STRING:
    case arrow::Type::LARGE_STRING: return std::make_shared<arrow::StringScalar>(std::get<std::string>(bound));
    default: return nullptr;
  }
}

template <typename ArrayType>
bool AnyNaN(const arrow::ChunkedArray& column) {
  for (const auto& chunk : column.chunks()) {
    const auto& values = static_cast<const ArrayType&>(*chunk);
    const auto* raw = values.raw_values();
    const bool all_valid = values.null_count() == 0;
    for (int64_t i = 0; i < values.length(); ++i) {
      if (std::isnan(raw[i]) && (all_valid || values.IsValid(i))) return true;
    }
  }
  return false;
}

bool HasNaN(const arrow::ChunkedArray& column) {
  if (column.type()->id() == arrow::Type::DOUBLE) return AnyNaN<arrow::DoubleArray>(column);
  if (column.type()->id() == arrow::Type::FLOAT) return AnyNaN<arrow::FloatArray>(column);
  return false;
}

// CollectColumn for a flat column of `type` (its values' type, for a
// dictionary column) whose footer statistics are known.
void CollectFromFooter(const arrow::ChunkedArray& column, const arrow::DataType& type, const std::string& name,
                       const FooterColumnStats& footer, int* budget, json* min_values, json* max_values,
                       json* null_count) {
  (*null_count)[name] = footer.null_count;
  if (*budget <= 0) return;
  --*budget;
  if (!HasMinMax(type) || !footer.min || !footer.max) return;
  auto lo_scalar = FooterBoundToScalar(*footer.min, type);
  auto hi_scalar = FooterBoundToScalar(*footer.max, type);
  if (!lo_scalar || !hi_scalar) return;
  // A NaN in a floating column makes min/max meaningless for skipping
  // (Parquet's bounds leave NaN out, so look at the data).
  if (HasNaN(column)) return;
  json lo = BoundToJson(*lo_scalar, false);
  json hi = BoundToJson(*hi_scalar, true);
  if (!lo.is_null() && !hi.is_null()) {
    (*min_values)[name] = std::move(lo);
    (*max_values)[name] = std::move(hi);
  }
}

// Parquet leaf columns under `type` (a flat column is one leaf).
int CountLeaves(const arrow::DataType& type) {
  if (type.num_fields() == 0) return 1;
  int leaves = 0;
  for (const auto& child : type.fields()) leaves += CountLeaves(*child->type());
  return leaves;
}

// Decimals are stored as big-endian bytes of several physical types: the
// data pass reads them instead.
bool FooterCoversType(const arrow::DataType& type) {
  return HasMinMax(type) && type.id() != arrow::Type::DECIMAL128;
}

json StatsObject(int64_t num_records, json min_values, json max_values, json null_count) {
  return {{"numRecords", num_records},
          {"minValues", std::move(min_values)},
          {"maxValues", std::move(max_values)},
          {"nullCount", std::move(null_count)}};
}

}  // namespace

Result<std::string> StatsJsonFromParquetFooter(const arrow::Table& rows, const parquet::FileMetaData& footer,
                                               int max_indexed_columns) {
  int leaves = 0;
  for (const auto& field : rows.schema()->fields()) leaves += CountLeaves(*field->type());
  if (leaves != footer.num_columns() || footer.num_rows() != rows.num_rows()) {
    return ComputeStatsJson(rows, max_indexed_columns);  // not this table's file: trust only the data
  }
  MEDALLION_RETURN_IF_ERROR(EnsureArrowComputeReady());
  json min_values = json::object(), max_values = json::object(), null_count = json::object();
  int budget = max_indexed_columns;
  int leaf = 0;
  for (int i = 0; i < rows.num_columns(); ++i) {
    const auto& column = rows.column(i);
    const auto& name = rows.schema()->field(i)->name();
    const arrow::DataType& type = column->type()->id() == arrow::Type::DICTIONARY
                                      ? *static_cast<const arrow::DictionaryType&>(*column->type()).value_type()
                                      : *column->type();
    std::optional<FooterColumnStats> footer_stats;
    if (FooterCoversType(type)) footer_stats = ReadFooterStats(footer, leaf);
    if (footer_stats) {
      CollectFromFooter(*column, type, name, *footer_stats, &budget, &min_values, &max_values, &null_count);
    } else {
      MEDALLION_RETURN_IF_ERROR(CollectColumn(column, name, &budget, &min_values, &max_values, &null_count));
    }
    leaf += CountLeaves(*column->type());
  }
  return StatsObject(rows.num_rows(), std::move(min_values), std::move(max_values), std::move(null_count)).dump();
}

Result<std::string> ComputeStatsJson(const arrow::Table& rows, int max_indexed_columns) {
  MEDALLION_RETURN_IF_ERROR(EnsureArrowComputeReady());
  json min_values = json::object(), max_values = json::object(), null_count = json::object();
  int budget = max_indexed_columns;
  for (int i = 0; i < rows.num_columns(); ++i) {
    MEDALLION_RETURN_IF_ERROR(CollectColumn(rows.column(i), rows.schema()->field(i)->name(), &budget, &min_values,
                                            &max_values, &null_count));
  }
  return StatsObject(rows.num_rows(), std::move(min_values), std::move(max_values), std::move(null_count)).dump();
}

}  // namespace medallion::delta
