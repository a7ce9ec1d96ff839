#include "medallion/delta/scan.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <arrow/filesystem/filesystem.h>
#include <fmt/format.h>
#include <parquet/arrow/reader.h>

#include <future>

#include "medallion/common/arrow_compute.h"
#include "medallion/common/arrow_status.h"
#include "medallion/delta/partition.h"

namespace medallion::delta {

ScanPlan PlanScan(const Snapshot& snapshot, const Predicate& filter) {
  ScanPlan plan;
  for (const auto& [path, add] : snapshot.files()) {
    ++plan.files_total;
    if (!PartitionMayMatch(filter, add.partition_values, *snapshot.schema())) {
      ++plan.files_pruned_by_partition;
      continue;
    }
    if (!StatsMayMatch(filter, add.stats, snapshot.partition_columns())) {
      ++plan.files_skipped_by_stats;
      continue;
    }
    plan.files.push_back(&add);
  }
  return plan;
}

Result<std::shared_ptr<arrow::Table>> ReadDataFile(storage::ObjectStore& store, const Snapshot& snapshot,
                                                   const AddFile& add) {
  MEDALLION_RETURN_IF_ERROR(EnsureArrowComputeReady());
  const std::string relative = DecodeUriPath(add.path);
  const std::string where = store.root_uri() + "/" + relative;
  auto fs = store.arrow_filesystem();
  auto file = FromArrow(fs->OpenInputFile(store.ArrowPath(relative)));
  if (!file.ok()) {
    if (file.status().IsNotFound()) {
      return Status::NotFound(fmt::format("data file {} listed in the log is missing", where));
    }
    return file.status().WithContext(where);
  }
  auto reader = FromArrow(parquet::arrow::OpenFile(*file, arrow::default_memory_pool()));
  if (!reader.ok()) return Status::Corruption(fmt::format("{}: {}", where, reader.status().message()));
  std::shared_ptr<arrow::Table> data;
  Status read = FromArrow((*reader)->ReadTable(&data));
  if (!read.ok()) return Status::Corruption(fmt::format("{}: {}", where, read.message()));

  const auto& schema = *snapshot.schema();
  const auto& partition_columns = snapshot.partition_columns();
  arrow::ChunkedArrayVector columns;
  for (const auto& field : schema.fields()) {
    if (std::find(partition_columns.begin(), partition_columns.end(), field->name()) != partition_columns.end()) {
      auto it = add.partition_values.find(field->name());
      std::optional<std::string> text = it == add.partition_values.end() ? std::nullopt : it->second;
      MEDALLION_ASSIGN_OR_RETURN(auto scalar, PartitionValueFromString(text, field->type()));
      MEDALLION_ASSIGN_OR_RETURN_ARROW(auto array, arrow::MakeArrayFromScalar(*scalar, data->num_rows()));
      columns.push_back(std::make_shared<arrow::ChunkedArray>(array));
      continue;
    }
    auto column = data->GetColumnByName(field->name());
    if (!column) {
      // Added to the schema after this file was written.
      MEDALLION_ASSIGN_OR_RETURN_ARROW(auto nulls, arrow::MakeArrayOfNull(field->type(), data->num_rows()));
      columns.push_back(std::make_shared<arrow::ChunkedArray>(nulls));
      continue;
    }
    if (!column->type()->Equals(*field->type())) {
      // Other writers' physical types (Spark's INT96 timestamps, ...).
      auto cast = FromArrow(arrow::compute::Cast(column, field->type()));
      if (!cast.ok()) {
        return Status::Corruption(fmt::format("{}: column '{}' has type {}, table says {}", where, field->name(),
                                              column->type()->ToString(), field->type()->ToString()));
      }
      column = cast->chunked_array();
    }
    columns.push_back(column);
  }
  return arrow::Table::Make(snapshot.schema(), columns, data->num_rows());
}

namespace {

Result<std::shared_ptr<arrow::Table>> FilterAndProject(const std::shared_ptr<arrow::Table>& table,
                                                       const ScanOptions& options) {
  std::shared_ptr<arrow::Table> out = table;
  if (!options.filter.empty()) {
    MEDALLION_ASSIGN_OR_RETURN(out, FilterRows(table, ToExpression(options.filter)));
  }
  if (!options.columns.empty()) {
    std::vector<int> indices;
    for (const auto& name : options.columns) {
      int index = out->schema()->GetFieldIndex(name);
      if (index < 0) return Status::InvalidArgument(fmt::format("column '{}' is not in the table", name));
      indices.push_back(index);
    }
    MEDALLION_ASSIGN_OR_RETURN_ARROW(out, out->SelectColumns(indices));
  }
  return out;
}

}  // namespace

Status ScanBatches(storage::ObjectStore& store, const Snapshot& snapshot, const ScanOptions& options,
                   const std::function<Status(const std::shared_ptr<arrow::Table>&)>& consume) {
  for (const auto& name : options.columns) {
    if (snapshot.schema()->GetFieldIndex(name) < 0) {
      return Status::InvalidArgument(fmt::format("column '{}' is not in the table", name));
    }
  }
  ScanPlan plan = PlanScan(snapshot, options.filter);
  int64_t remaining = options.limit;
  const size_t parallel = static_cast<size_t>(std::max(1, options.parallelism));
  for (size_t i = 0; i < plan.files.size() && remaining != 0; i += parallel) {
    size_t end = std::min(plan.files.size(), i + parallel);
    std::vector<std::future<Result<std::shared_ptr<arrow::Table>>>> reads;
    for (size_t j = i; j < end; ++j) {
      reads.push_back(std::async(std::launch::async, [&store, &snapshot, &options, add = plan.files[j]]()
                                                         -> Result<std::shared_ptr<arrow::Table>> {
        MEDALLION_ASSIGN_OR_RETURN(auto table, ReadDataFile(store, snapshot, *add));
        return FilterAndProject(table, options);
      }));
    }
    for (auto& read : reads) {
      auto table = read.get();
      if (!table.ok()) return table.status();
      if (remaining == 0) continue;
      auto t = *table;
      if (remaining > 0 && t->num_rows() > remaining) t = t->Slice(0, remaining);
      if (remaining > 0) remaining -= t->num_rows();
      if (t->num_rows() > 0) MEDALLION_RETURN_IF_ERROR(consume(t));
    }
  }
  return Status::OK();
}

Result<std::shared_ptr<arrow::Table>> ScanToTable(storage::ObjectStore& store, const Snapshot& snapshot,
                                                  const ScanOptions& options) {
  std::vector<std::shared_ptr<arrow::Table>> parts;
  MEDALLION_RETURN_IF_ERROR(ScanBatches(store, snapshot, options, [&](const std::shared_ptr<arrow::Table>& t) {
    parts.push_back(t);
    return Status::OK();
  }));
  std::shared_ptr<arrow::Schema> schema = snapshot.schema();
  if (!options.columns.empty()) {
    arrow::FieldVector fields;
    for (const auto& name : options.columns) fields.push_back(schema->GetFieldByName(name));
    schema = arrow::schema(fields);
  }
  if (parts.empty()) return arrow::Table::MakeEmpty(schema).ValueOr(nullptr);
  MEDALLION_ASSIGN_OR_RETURN_ARROW(auto combined, arrow::ConcatenateTables(parts));
  return combined;
}

}  // namespace medallion::delta
