// Builds the long-log table of the snapshot benchmark: a create commit and
// then many small appends, the shape a streaming ingest leaves behind (one
// data file and one txn per commit). Only the log is written: snapshot
// loading never opens data files, so the add actions point at files that do
// not exist. Do not scan this table.
#pragma once

#include <arrow/type_fwd.h>

#include <cstdint>
#include <memory>
#include <string>

#include "medallion/common/result.h"

namespace medallion::bench {

struct CommitLogOptions {
  int64_t appends = 10000;
  // Checkpoint every delta.checkpointInterval commits (10, the default), as
  // a real writer does. Off: a log of JSON commits only.
  bool checkpoints = true;
  // Each add's stats describe a slice of this many real event rows.
  int64_t rows_per_file = 100;
};

// Writes the table at `root` (a local directory that must not hold a table
// yet); `events` supplies the schema and the rows the stats describe.
// Returns the latest version.
Result<int64_t> BuildCommitLog(const std::string& root, const std::shared_ptr<arrow::Table>& events,
                               const CommitLogOptions& options);

}  // namespace medallion::bench
