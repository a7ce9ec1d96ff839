// OPTIMIZE: bin-packing small files per partition. The rows do not change,
// so the commit marks its actions dataChange=false and streaming readers of
// the table skip it.
#include <arrow/api.h>
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "medallion/common/arrow_status.h"
#include "medallion/delta/partition.h"
#include "medallion/delta/table.h"

namespace medallion::delta {

Result<OptimizeResult> Table::Optimize(const Predicate& partition_filter, int64_t target_file_size_bytes,
                                       const std::string& compression) {
  MEDALLION_ASSIGN_OR_RETURN(auto snapshot, Refresh());
  for (const auto& term : partition_filter.terms) {
    const auto& pc = snapshot->partition_columns();
    if (std::find(pc.begin(), pc.end(), term.column) == pc.end()) {
      return Status::InvalidArgument(fmt::format("OPTIMIZE filters on partition columns only; '{}' is not one", term.column));
    }
  }
  // Group the small files by partition.
  std::map<PartitionValues, std::vector<const AddFile*>> small_files;
  for (const auto& [path, add] : snapshot->files()) {
    if (add.size >= target_file_size_bytes / 2) continue;
    if (!PartitionMayMatch(partition_filter, add.partition_values, *snapshot->schema())) continue;
    small_files[add.partition_values].push_back(&add);
  }
  OptimizeResult result;
  CommitRequest request;
  request.operation = "OPTIMIZE";
  DataWriterOptions writer;
  writer.target_file_size_bytes = target_file_size_bytes;
  writer.compression = compression;
  writer.data_change = false;
  const int64_t now = NowMillis();
  for (const auto& [values, files] : small_files) {
    if (files.size() < 2) continue;
    std::vector<std::shared_ptr<arrow::Table>> parts;
    for (const AddFile* add : files) {
      MEDALLION_ASSIGN_OR_RETURN(auto data, ReadDataFile(*store_, *snapshot, *add));
      parts.push_back(data);
      RemoveFile remove;
      remove.path = add->path;
      remove.deletion_timestamp = now;
      remove.data_change = false;
      remove.extended_file_metadata = true;
      remove.partition_values = add->partition_values;
      remove.size = add->size;
      request.actions.push_back(std::move(remove));
    }
    MEDALLION_ASSIGN_OR_RETURN_ARROW(auto combined, arrow::ConcatenateTables(parts));
    MEDALLION_ASSIGN_OR_RETURN(auto adds, WriteDataFiles(*store_, combined, snapshot->partition_columns(), writer));
    result.files_removed += static_cast<int64_t>(files.size());
    result.files_added += static_cast<int64_t>(adds.size());
    ++result.partitions_optimized;
    for (auto& add : adds) request.actions.push_back(std::move(add));
  }
  if (result.partitions_optimized == 0) return result;
  request.operation_parameters = {{"predicate", "[]"}, {"zOrderBy", "[]"},
                                  {"targetSize", std::to_string(target_file_size_bytes)}};
  request.operation_metrics = {{"numRemovedFiles", std::to_string(result.files_removed)},
                               {"numAddedFiles", std::to_string(result.files_added)}};
  MEDALLION_ASSIGN_OR_RETURN(auto committed, CommitActions(std::move(request)));
  result.version = committed.version;
  return result;
}

}  // namespace medallion::delta
