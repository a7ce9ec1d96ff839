// Reading what a Delta table gained between two versions: the rows of the
// data-changing add actions of commits (from, to], each tagged with the
// version that added it. Downstream jobs tail their upstream table this way
// instead of diffing snapshots (OPTIMIZE's dataChange=false rewrites are
// skipped, so compacted rows are never seen twice).
#pragma once

#include <arrow/type_fwd.h>

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "medallion/common/result.h"
#include "medallion/delta/table.h"

namespace medallion::transform {

// Rows added by versions from_exclusive+1 .. to_inclusive, in the table's
// schema (partition columns filled in) plus an int64 `version_column`.
// With `skipped_rewrites`, commits that removed rows (a DELETE, UPDATE or
// MERGE by another engine rewrites files) are left out and their
// versions listed there, as Delta's skipChangeCommits does for Spark: their
// adds hold rows the table had before, not new ones.
Result<std::shared_ptr<arrow::Table>> ReadAddedRows(delta::Table& table, const delta::Snapshot& snapshot,
                                                    int64_t from_exclusive, int64_t to_inclusive,
                                                    const std::string& version_column,
                                                    std::vector<int64_t>* skipped_rewrites = nullptr);

// Values of the date partition column `column` (days since the epoch) of the
// data-changing adds in versions (from, to]: which partitions a consumer
// must recompute. No data file is read.
Result<std::set<int32_t>> AddedDatePartitions(delta::Table& table, int64_t from_exclusive, int64_t to_inclusive,
                                              const std::string& column);

// True when a commit changed rows already in the table (a data-changing
// remove, or new metadata) instead of only adding rows: whatever a consumer
// kept from earlier versions is void then.
bool RewritesRows(const std::vector<delta::Action>& commit);

// True when versions (from, to] only added rows (see RewritesRows).
Result<bool> OnlyAppendedSince(delta::Table& table, int64_t from_exclusive, int64_t to_inclusive);

// What commits changed, by date partition: the values of `column` of their
// data-changing adds and removes; `all` when a commit cannot be narrowed to
// dates (new metadata, a file without the column).
struct DateChanges {
  std::set<int32_t> dates;
  bool all = false;
  bool empty() const { return dates.empty() && !all; }
};
void AddChangedDates(const std::vector<delta::Action>& commit, const std::string& column, const std::string& where,
                     DateChanges* out);

// Every value of the date partition column over the snapshot's live files.
Result<std::set<int32_t>> LiveDatePartitions(const delta::Snapshot& snapshot, const std::string& column);

}  // namespace medallion::transform
