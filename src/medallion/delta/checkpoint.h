// V1 checkpoints: the whole table state at a version as one Parquet file
// (_delta_log/<v>.checkpoint.parquet) plus _delta_log/_last_checkpoint, so a
// reader replays at most `checkpointInterval` commits. We read single-part
// and multi-part checkpoints written by Spark and delta-rs too.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "medallion/common/result.h"
#include "medallion/delta/action.h"
#include "medallion/delta/snapshot.h"
#include "medallion/storage/object_store.h"

namespace medallion::delta {

struct LastCheckpoint {
  int64_t version = -1;
  int64_t size = 0;
  std::optional<int> parts;
};

// nullopt if there is no (readable) _last_checkpoint: it is only a hint.
std::optional<LastCheckpoint> ReadLastCheckpoint(storage::ObjectStore& store);

// Writes the checkpoint for `snapshot` and then updates _last_checkpoint.
Status WriteCheckpoint(storage::ObjectStore& store, const Snapshot& snapshot);

// The actions stored in the checkpoint file(s) `paths`.
Result<std::vector<Action>> ReadCheckpointActions(storage::ObjectStore& store, const std::vector<std::string>& paths);

}  // namespace medallion::delta
