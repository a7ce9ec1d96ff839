// Optimistic concurrency (Delta PROTOCOL.md, "Optimistic Concurrency
// Control"): a commit is written put-if-absent as the next version. Losing
// the race means another writer committed first: we read the winners'
// actions, decide whether they invalidate what we read, and if not try the
// next version. Appends of new files never conflict; a txn for an app id we
// are writing, a concurrent delete of a file we remove, a concurrent append
// into a partition we overwrite, or a metadata/protocol change do.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "medallion/common/result.h"
#include "medallion/delta/action.h"
#include "medallion/delta/snapshot.h"
#include "medallion/storage/object_store.h"

namespace medallion::delta {

struct CommitRequest {
  std::vector<Action> actions;  // commitInfo is added by Commit()
  std::string operation = "WRITE";
  StringMap operation_parameters;  // values are strings, as Spark expects
  StringMap operation_metrics;
  bool is_blind_append = false;

  // Exactly-once guard: app id -> the txn version the writer saw (nullopt: none).
  // If the log holds anything else at commit time, the commit fails with
  // Conflict and writes nothing (a zombie writer after a rebalance).
  std::map<std::string, std::optional<int64_t>> expected_txns;

  // What the commit read, for conflicts with concurrent appends: the whole
  // table, or the partitions it replaces.
  bool reads_whole_table = false;
  std::vector<PartitionValues> read_partitions;
};

struct CommitResult {
  int64_t version = -1;
  int attempts = 0;
  std::shared_ptr<Snapshot> snapshot;  // the table state right after this commit
};

struct CommitOptions {
  int max_attempts = 10000;
  bool write_checkpoints = true;
};

// Commits on top of `read_snapshot`.
Result<CommitResult> Commit(storage::ObjectStore& store, const Snapshot& read_snapshot, CommitRequest request,
                            const CommitOptions& options = {});

// The commitInfo JSON for a commit (timestamp, operation, parameters...).
std::string MakeCommitInfo(const CommitRequest& request, int64_t read_version, int64_t timestamp_ms);

int64_t NowMillis();

}  // namespace medallion::delta
