#include "medallion/delta/partition.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <arrow/util/value_parsing.h>
#include <fmt/format.h>

#include <chrono>

#include "medallion/common/arrow_compute.h"
#include "medallion/common/arrow_status.h"
#include "medallion/delta/value_format.h"

namespace medallion::delta {

namespace {

bool NeedsHiveEscape(unsigned char c) {
  return c < 0x20 || c == '"' || c == '#' || c == '%' || c == '\'' || c == '*' || c == '/' || c == ':' ||
         c == '=' || c == '?' || c == '\\' || c == 0x7F || c == '{' || c == '[' || c == ']' || c == '^';
}

std::string HiveEscape(const std::string& s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (NeedsHiveEscape(c)) {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace

Result<std::optional<std::string>> PartitionValueToString(const arrow::Scalar& value) {
  if (!value.is_valid) return std::optional<std::string>();
  switch (value.type->id()) {
    case arrow::Type::DATE32:
      return std::optional<std::string>(FormatDate(static_cast<const arrow::Date32Scalar&>(value).value));
    case arrow::Type::TIMESTAMP: {
      const auto& ts = static_cast<const arrow::TimestampScalar&>(value);
      const auto& type = static_cast<const arrow::TimestampType&>(*value.type);
      return std::optional<std::string>(FormatTimestampMicros(ToMicros(ts.value, type.unit()), ' '));
    }
    case arrow::Type::BOOL:
      return std::optional<std::string>(static_cast<const arrow::BooleanScalar&>(value).value ? "true" : "false");
    case arrow::Type::STRING:
    case arrow::Type::LARGE_STRING:
    case arrow::Type::INT8:
    case arrow::Type::INT16:
    case arrow::Type::INT32:
    case arrow::Type::INT64:
    case arrow::Type::FLOAT:
    case arrow::Type::DOUBLE:
    case arrow::Type::DECIMAL128:
      return std::optional<std::string>(value.ToString());
    default:
      return Status::InvalidArgument(
          fmt::format("type {} cannot be a partition column", value.type->ToString()));
  }
}

Result<std::shared_ptr<arrow::Scalar>> PartitionValueFromString(const std::optional<std::string>& value,
                                                                 const std::shared_ptr<arrow::DataType>& type) {
  if (!value || (value->empty() && type->id() != arrow::Type::STRING)) return arrow::MakeNullScalar(type);
  if (type->id() == arrow::Type::TIMESTAMP) {
    // Delta writes "2024-05-01 13:45:00[.ffffff]"; Arrow's ISO-8601 parser wants 'T'.
    std::string iso = *value;
    if (iso.size() > 10 && iso[10] == ' ') iso[10] = 'T';
    if (!iso.empty() && iso.back() == 'Z') iso.pop_back();
    int64_t micros = 0;
    const auto& ts_type = static_cast<const arrow::TimestampType&>(*type);
    if (!arrow::internal::ParseTimestampISO8601(iso.data(), iso.size(), ts_type.unit(), &micros)) {
      return Status::Corruption(fmt::format("partition value '{}' is not a timestamp", *value));
    }
    return std::shared_ptr<arrow::Scalar>(std::make_shared<arrow::TimestampScalar>(micros, type));
  }
  if (type->id() == arrow::Type::BOOL) {
    return std::shared_ptr<arrow::Scalar>(std::make_shared<arrow::BooleanScalar>(*value == "true"));
  }
  auto parsed = arrow::Scalar::Parse(type, *value);
  if (!parsed.ok()) {
    return Status::Corruption(fmt::format("partition value '{}' is not a valid {}", *value, type->ToString()));
  }
  return *parsed;
}

std::string PartitionDirectory(const std::vector<std::string>& columns, const PartitionValues& values) {
  std::string dir;
  for (const auto& col : columns) {
    if (!dir.empty()) dir += '/';
    auto it = values.find(col);
    bool has = it != values.end() && it->second.has_value();
    dir += HiveEscape(col) + "=" + (has ? HiveEscape(*it->second) : std::string("__HIVE_DEFAULT_PARTITION__"));
  }
  return dir;
}

Result<std::vector<PartitionSlice>> SplitByPartition(const std::shared_ptr<arrow::Table>& table,
                                                     const std::vector<std::string>& columns) {
  MEDALLION_RETURN_IF_ERROR(EnsureArrowComputeReady());
  if (columns.empty()) return std::vector<PartitionSlice>{PartitionSlice{{}, table}};
  const int64_t num_rows = table->num_rows();
  // Dictionary-encode each partition column, then group rows by the tuple of
  // codes: one pass, no per-row string formatting.
  std::vector<std::shared_ptr<arrow::Int32Array>> codes;
  std::vector<std::shared_ptr<arrow::Array>> dictionaries;
  std::vector<int64_t> strides;
  int64_t stride = 1;
  for (const auto& name : columns) {
    auto column = table->GetColumnByName(name);
    if (!column) return Status::InvalidArgument(fmt::format("partition column '{}' is missing from the data", name));
    MEDALLION_ASSIGN_OR_RETURN_ARROW(auto combined, arrow::Concatenate(column->chunks()));
    MEDALLION_ASSIGN_OR_RETURN_ARROW(arrow::Datum encoded, arrow::compute::DictionaryEncode(combined));
    auto dict_array = std::static_pointer_cast<arrow::DictionaryArray>(encoded.make_array());
    MEDALLION_ASSIGN_OR_RETURN_ARROW(auto indices, arrow::compute::Cast(*dict_array->indices(), arrow::int32()));
    codes.push_back(std::static_pointer_cast<arrow::Int32Array>(indices));
    dictionaries.push_back(dict_array->dictionary());
    strides.push_back(stride);
    stride *= dict_array->dictionary()->length() + 1;  // +1: null gets its own code
  }
  std::unordered_map<int64_t, std::vector<int64_t>> groups;
  std::vector<int64_t> order;  // keys in first-seen order, for stable output
  for (int64_t row = 0; row < num_rows; ++row) {
    int64_t key = 0;
    for (size_t c = 0; c < codes.size(); ++c) {
      int64_t code = codes[c]->IsNull(row) ? dictionaries[c]->length() : codes[c]->Value(row);
      key += code * strides[c];
    }
    auto [it, inserted] = groups.try_emplace(key);
    if (inserted) order.push_back(key);
    it->second.push_back(row);
  }
  std::vector<PartitionSlice> slices;
  for (int64_t key : order) {
    const auto& rows = groups[key];
    PartitionSlice slice;
    int64_t first = rows.front();
    for (size_t c = 0; c < columns.size(); ++c) {
      if (codes[c]->IsNull(first)) {
        slice.values[columns[c]] = std::nullopt;
      } else {
        MEDALLION_ASSIGN_OR_RETURN_ARROW(auto scalar, dictionaries[c]->GetScalar(codes[c]->Value(first)));
        MEDALLION_ASSIGN_OR_RETURN(slice.values[columns[c]], PartitionValueToString(*scalar));
      }
    }
    if (order.size() == 1) {
      slice.rows = table;
    } else {
      arrow::Int64Builder builder;
      MEDALLION_RETURN_IF_ARROW_ERROR(builder.AppendValues(rows));
      MEDALLION_ASSIGN_OR_RETURN_ARROW(auto indices, builder.Finish());
      MEDALLION_ASSIGN_OR_RETURN_ARROW(arrow::Datum taken, arrow::compute::Take(table, indices));
      slice.rows = taken.table();
    }
    slices.push_back(std::move(slice));
  }
  return slices;
}

}  // namespace medallion::delta
