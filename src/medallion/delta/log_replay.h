// Reconstructs a Snapshot from the log: newest complete checkpoint at or
// below the wanted version (found through _last_checkpoint, or by listing),
// then every later commit in order. A gap in commit versions is corruption.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "medallion/common/result.h"
#include "medallion/delta/snapshot.h"
#include "medallion/storage/object_store.h"

namespace medallion::delta {

// `version`: nullopt for the latest.
Result<std::shared_ptr<Snapshot>> LoadSnapshot(storage::ObjectStore& store, std::optional<int64_t> version = {});

// The latest snapshot, built from `base` by applying only the commits after
// it (a reader polling a table that grows by a commit or two between polls
// need not replay its checkpoint again). Returns `base` itself when there
// is nothing new, and falls back to a full LoadSnapshot when the commits
// after `base` are not all there (log cleanup) or `base`'s own commit is
// gone (a table deleted and recreated in place with fewer versions).
Result<std::shared_ptr<const Snapshot>> UpdateSnapshot(storage::ObjectStore& store,
                                                       const std::shared_ptr<const Snapshot>& base);

// Commit versions with their timestamps (file modification times, made
// strictly increasing as Delta does for timestamp time travel).
struct CommitEntry {
  int64_t version;
  int64_t timestamp_ms;
};
Result<std::vector<CommitEntry>> ListCommits(storage::ObjectStore& store, int64_t from_version = 0);

// Latest version whose commit timestamp is <= `timestamp_ms`.
Result<int64_t> VersionAtTimestamp(storage::ObjectStore& store, int64_t timestamp_ms);

// Reads and parses commit `version`.
Result<std::vector<Action>> ReadCommit(storage::ObjectStore& store, int64_t version);

}  // namespace medallion::delta
