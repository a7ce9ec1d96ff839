#include "medallion/delta/partition.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <arrow/util/value_parsing.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <unordered_map>
#include <vector>

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
  // Group ordinal of every row, groups numbered in first-seen order so the
  // output is stable. Small key spaces (the usual: one date column) use a
  // flat table instead of hashing every row.
  constexpr int64_t kMaxDenseKeys = 1 << 20;
  std::vector<int32_t> dense;
  if (stride <= kMaxDenseKeys) dense.assign(static_cast<size_t>(stride), -1);
  std::unordered_map<int64_t, int32_t> sparse;
  std::vector<int64_t> first_rows;  // per group: the row its values come from
  std::vector<int32_t> group_of_row(static_cast<size_t>(num_rows));
  for (int64_t row = 0; row < num_rows; ++row) {
    int64_t key = 0;
    for (size_t c = 0; c < codes.size(); ++c) {
      int64_t code = codes[c]->IsNull(row) ? dictionaries[c]->length() : codes[c]->Value(row);
      key += code * strides[c];
    }
    int32_t* slot;
    if (!dense.empty()) {
      slot = &dense[static_cast<size_t>(key)];
    } else {
      slot = &sparse.try_emplace(key, -1).first->second;
    }
    if (*slot < 0) {
      *slot = static_cast<int32_t>(first_rows.size());
      first_rows.push_back(row);
    }
    group_of_row[static_cast<size_t>(row)] = *slot;
  }
  const size_t num_groups = first_rows.size();
  std::vector<PartitionSlice> slices(num_groups);
  for (size_t g = 0; g < num_groups; ++g) {
    const int64_t first = first_rows[g];
    for (size_t c = 0; c < columns.size(); ++c) {
      if (codes[c]->IsNull(first)) {
        slices[g].values[columns[c]] = std::nullopt;
      } else {
        MEDALLION_ASSIGN_OR_RETURN_ARROW(auto scalar, dictionaries[c]->GetScalar(codes[c]->Value(first)));
        MEDALLION_ASSIGN_OR_RETURN(slices[g].values[columns[c]], PartitionValueToString(*scalar));
      }
    }
  }
  if (num_groups == 1) {
    slices[0].rows = table;
    return slices;
  }
  // Gather batch by batch (a counting sort of each batch's rows by group):
  // Take over a chunked table would concatenate every column's chunks once
  // per partition, copying the whole input as many times as there are
  // partitions. Each partition becomes a table of per-batch pieces.
  std::vector<arrow::RecordBatchVector> pieces(num_groups);
  arrow::TableBatchReader batches(*table);
  std::vector<int64_t> counts(num_groups), offsets(num_groups);
  std::vector<int64_t> indices;
  int64_t batch_start = 0;
  while (true) {
    std::shared_ptr<arrow::RecordBatch> batch;
    MEDALLION_RETURN_IF_ARROW_ERROR(batches.ReadNext(&batch));
    if (!batch) break;
    const int64_t batch_rows = batch->num_rows();
    std::fill(counts.begin(), counts.end(), 0);
    for (int64_t i = 0; i < batch_rows; ++i) ++counts[group_of_row[static_cast<size_t>(batch_start + i)]];
    int64_t running = 0;
    for (size_t g = 0; g < num_groups; ++g) {
      offsets[g] = running;
      running += counts[g];
    }
    indices.resize(static_cast<size_t>(batch_rows));
    std::vector<int64_t> fill = offsets;
    for (int64_t i = 0; i < batch_rows; ++i) {
      indices[static_cast<size_t>(fill[group_of_row[static_cast<size_t>(batch_start + i)]]++)] = i;
    }
    // `indices` is the batch's rows ordered by group: one Take of the whole
    // batch, then each group is a zero-copy slice of the result (one kernel
    // call and one allocation per column, however many partitions).
    std::shared_ptr<arrow::RecordBatch> grouped = batch;
    if (std::find(counts.begin(), counts.end(), batch_rows) == counts.end()) {
      arrow::Int64Array order(batch_rows, arrow::Buffer::Wrap(indices.data(), indices.size()));
      MEDALLION_ASSIGN_OR_RETURN_ARROW(arrow::Datum taken, arrow::compute::Take(batch, order));
      grouped = taken.record_batch();
    }
    for (size_t g = 0; g < num_groups; ++g) {
      if (counts[g] > 0) pieces[g].push_back(grouped->Slice(offsets[g], counts[g]));
    }
    batch_start += batch_rows;
  }
  for (size_t g = 0; g < num_groups; ++g) {
    MEDALLION_ASSIGN_OR_RETURN_ARROW(slices[g].rows, arrow::Table::FromRecordBatches(table->schema(), pieces[g]));
  }
  return slices;
}

}  // namespace medallion::delta
