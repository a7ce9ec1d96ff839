// Reading a snapshot: choose files (partition pruning, stats skipping), read
// their Parquet data, add partition columns back from the log, filter rows,
// project columns.
#pragma once

#include <arrow/type_fwd.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "medallion/common/result.h"
#include "medallion/delta/predicate.h"
#include "medallion/delta/snapshot.h"
#include "medallion/storage/object_store.h"

namespace medallion::delta {

struct ScanOptions {
  std::vector<std::string> columns;  // empty: all, in table order
  Predicate filter;
  int64_t limit = -1;  // -1: no limit
  int parallelism = 4;
};

struct ScanPlan {
  std::vector<const AddFile*> files;  // in path order
  int64_t files_total = 0;
  int64_t files_pruned_by_partition = 0;
  int64_t files_skipped_by_stats = 0;
};

ScanPlan PlanScan(const Snapshot& snapshot, const Predicate& filter);

// Calls `consume` with batches in file order; stops early at `limit` rows.
Status ScanBatches(storage::ObjectStore& store, const Snapshot& snapshot, const ScanOptions& options,
                   const std::function<Status(const std::shared_ptr<arrow::Table>&)>& consume);

// The whole result as one table.
Result<std::shared_ptr<arrow::Table>> ScanToTable(storage::ObjectStore& store, const Snapshot& snapshot,
                                                  const ScanOptions& options);

// Reads one data file and returns it in the table schema (partition columns
// filled in from `add`), before filtering or projection.
Result<std::shared_ptr<arrow::Table>> ReadDataFile(storage::ObjectStore& store, const Snapshot& snapshot,
                                                   const AddFile& add);

}  // namespace medallion::delta
