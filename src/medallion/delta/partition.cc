#include "medallion/delta/partition.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <arrow/util/value_parsing.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <limits>
#include <unordered_map>
#include <vector>

#include "medallion/common/arrow_compute.h"
#include "medallion/common/arrow_status.h"
#include "medallion/delta/parallel_for.h"
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

Result<PartitionPlan> PartitionPlan::Make(const std::shared_ptr<arrow::Table>& table,
                                          const std::vector<std::string>& columns,
                                          bool drop_partition_columns) {
  MEDALLION_RETURN_IF_ERROR(EnsureArrowComputeReady());
  PartitionPlan plan;
  std::shared_ptr<arrow::Table> gathered = table;
  if (drop_partition_columns) {
    for (const auto& name : columns) {
      int index = gathered->schema()->GetFieldIndex(name);
      if (index < 0) return Status::InvalidArgument(fmt::format("partition column '{}' is missing from the data", name));
      MEDALLION_ASSIGN_OR_RETURN_ARROW(gathered, gathered->RemoveColumn(index));
    }
  }
  plan.schema_ = gathered->schema();
  arrow::TableBatchReader reader(*gathered);
  reader.set_chunksize(std::numeric_limits<int32_t>::max());  // row numbers fit order_'s int32
  while (true) {
    std::shared_ptr<arrow::RecordBatch> batch;
    MEDALLION_RETURN_IF_ARROW_ERROR(reader.ReadNext(&batch));
    if (!batch) break;
    plan.batches_.push_back(std::move(batch));
  }
  const int64_t num_rows = table->num_rows();
  if (num_rows == 0) {
    if (columns.empty()) plan.groups_.resize(1);
    return plan;
  }
  // Group ordinal of every row, and the row each group's values come from.
  std::vector<int32_t> group_of_row(static_cast<size_t>(num_rows), 0);
  std::vector<int64_t> first_rows = {0};
  if (!columns.empty()) {
    // Dictionary-encode each partition column, then group rows by the tuple
    // of codes: one pass, no per-row string formatting.
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
    // Small key spaces (the usual: one date column) use a flat table
    // instead of hashing every row.
    constexpr int64_t kMaxDenseKeys = 1 << 20;
    std::vector<int32_t> dense;
    if (stride <= kMaxDenseKeys) dense.assign(static_cast<size_t>(stride), -1);
    std::unordered_map<int64_t, int32_t> sparse;
    first_rows.clear();
    for (int64_t row = 0; row < num_rows; ++row) {
      int64_t key = 0;
      for (size_t c = 0; c < codes.size(); ++c) {
        int64_t code = codes[c]->IsNull(row) ? dictionaries[c]->length() : codes[c]->Value(row);
        key += code * strides[c];
      }
      int32_t* slot = dense.empty() ? &sparse.try_emplace(key, -1).first->second : &dense[static_cast<size_t>(key)];
      if (*slot < 0) {
        *slot = static_cast<int32_t>(first_rows.size());
        first_rows.push_back(row);
      }
      group_of_row[static_cast<size_t>(row)] = *slot;
    }
    plan.groups_.resize(first_rows.size());
    for (size_t g = 0; g < first_rows.size(); ++g) {
      const int64_t first = first_rows[g];
      for (size_t c = 0; c < columns.size(); ++c) {
        if (codes[c]->IsNull(first)) {
          plan.groups_[g].values[columns[c]] = std::nullopt;
        } else {
          MEDALLION_ASSIGN_OR_RETURN_ARROW(auto scalar, dictionaries[c]->GetScalar(codes[c]->Value(first)));
          MEDALLION_ASSIGN_OR_RETURN(plan.groups_[g].values[columns[c]], PartitionValueToString(*scalar));
        }
      }
    }
  } else {
    plan.groups_.resize(1);
  }
  // A counting sort of each batch's rows by group: order_ lists every
  // batch's row numbers group by group, in input order within a group.
  const size_t num_groups = plan.groups_.size();
  plan.order_.resize(static_cast<size_t>(num_rows));
  std::vector<int64_t> fill(num_groups);
  int64_t batch_start = 0;
  for (size_t b = 0; b < plan.batches_.size(); ++b) {
    const int64_t batch_rows = plan.batches_[b]->num_rows();
    const int32_t* groups = group_of_row.data() + batch_start;
    std::fill(fill.begin(), fill.end(), 0);
    for (int64_t i = 0; i < batch_rows; ++i) ++fill[static_cast<size_t>(groups[i])];
    int64_t running = batch_start;
    for (size_t g = 0; g < num_groups; ++g) {
      const int64_t count = fill[g];
      if (count > 0) {
        plan.groups_[g].pieces.push_back(Piece{b, running, count});
        plan.groups_[g].num_rows += count;
      }
      fill[g] = running;
      running += count;
    }
    for (int64_t i = 0; i < batch_rows; ++i) {
      plan.order_[static_cast<size_t>(fill[static_cast<size_t>(groups[i])]++)] = static_cast<int32_t>(i);
    }
    batch_start += batch_rows;
  }
  return plan;
}

Status PartitionPlan::DictionaryEncode(const std::vector<std::string>& columns) {
  std::vector<int> indices;
  for (const auto& name : columns) {
    const int index = schema_->GetFieldIndex(name);
    if (index < 0) return Status::InvalidArgument(fmt::format("column '{}' is not in the data", name));
    indices.push_back(index);
  }
  // Hashing a column is single-threaded: encode the columns side by side.
  std::vector<std::shared_ptr<arrow::Array>> encoded(indices.size());
  MEDALLION_RETURN_IF_ERROR(ParallelFor(indices.size(), [&](size_t i) -> Status {
    arrow::ArrayVector pieces;
    for (const auto& batch : batches_) pieces.push_back(batch->column(indices[i]));
    // One dictionary for the whole column: per-batch dictionaries would
    // differ between the pieces of one file.
    MEDALLION_ASSIGN_OR_RETURN_ARROW(auto combined, arrow::Concatenate(pieces));
    MEDALLION_ASSIGN_OR_RETURN_ARROW(arrow::Datum datum, arrow::compute::DictionaryEncode(combined));
    encoded[i] = datum.make_array();
    return Status::OK();
  }));
  for (size_t i = 0; i < indices.size(); ++i) {
    auto field = schema_->field(indices[i])->WithType(encoded[i]->type());
    int64_t offset = 0;
    for (auto& batch : batches_) {
      MEDALLION_ASSIGN_OR_RETURN_ARROW(
          batch, batch->SetColumn(indices[i], field, encoded[i]->Slice(offset, batch->num_rows())));
      offset += batch->num_rows();
    }
    MEDALLION_ASSIGN_OR_RETURN_ARROW(schema_, schema_->SetField(indices[i], field));
  }
  return Status::OK();
}

Result<std::shared_ptr<arrow::Table>> PartitionPlan::Gather(size_t group, int64_t offset, int64_t length) const {
  arrow::RecordBatchVector parts;
  int64_t skip = offset;
  int64_t wanted = length;
  for (const Piece& piece : groups_[group].pieces) {
    if (wanted <= 0) break;
    if (skip >= piece.count) {
      skip -= piece.count;
      continue;
    }
    const int64_t count = std::min(piece.count - skip, wanted);
    const int32_t* rows = order_.data() + piece.start + skip;
    skip = 0;
    wanted -= count;
    const auto& batch = batches_[piece.batch];
    if (rows[count - 1] - rows[0] == count - 1) {
      // Row numbers increase within a piece, so this run is consecutive.
      parts.push_back(batch->Slice(rows[0], count));
      continue;
    }
    arrow::Int32Array indices(count, arrow::Buffer::Wrap(rows, count));
    MEDALLION_ASSIGN_OR_RETURN_ARROW(arrow::Datum taken, arrow::compute::Take(batch, indices));
    parts.push_back(taken.record_batch());
  }
  MEDALLION_ASSIGN_OR_RETURN_ARROW(auto rows, arrow::Table::FromRecordBatches(schema_, parts));
  return rows;
}

Result<std::vector<PartitionSlice>> SplitByPartition(const std::shared_ptr<arrow::Table>& table,
                                                     const std::vector<std::string>& columns) {
  MEDALLION_ASSIGN_OR_RETURN(auto plan, PartitionPlan::Make(table, columns));
  std::vector<PartitionSlice> slices(plan.num_groups());
  for (size_t g = 0; g < plan.num_groups(); ++g) {
    slices[g].values = plan.values(g);
    MEDALLION_ASSIGN_OR_RETURN(slices[g].rows, plan.Gather(g, 0, plan.num_rows(g)));
  }
  return slices;
}

}  // namespace medallion::delta
