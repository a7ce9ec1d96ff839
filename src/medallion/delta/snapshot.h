// A Snapshot is the state of a table at one version: protocol, metadata, the
// set of live data files, tombstones and the latest app transaction versions.
// It is built by replaying the log from the newest usable checkpoint
// (log_replay.cc) and is immutable once handed out.
#pragma once

#include <arrow/type_fwd.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "medallion/common/result.h"
#include "medallion/delta/action.h"

namespace medallion::delta {

class Snapshot {
 public:
  int64_t version() const { return version_; }
  const Protocol& protocol() const { return protocol_; }
  const Metadata& metadata() const { return metadata_; }
  const std::shared_ptr<arrow::Schema>& schema() const { return schema_; }
  const std::vector<std::string>& partition_columns() const { return metadata_.partition_columns; }

  // Live files keyed by their decoded relative path.
  const std::map<std::string, AddFile>& files() const { return files_; }
  // Removed files still inside the tombstone retention, keyed likewise.
  const std::map<std::string, RemoveFile>& tombstones() const { return tombstones_; }
  const std::map<std::string, Txn>& txns() const { return txns_; }

  // Latest version recorded for `app_id`, if any.
  std::optional<int64_t> TxnVersion(const std::string& app_id) const;

  // Commit timestamp (milliseconds) of this version, from the commit file.
  int64_t timestamp_ms() const { return timestamp_ms_; }

  int64_t num_rows() const;  // from stats; files without stats count as 0
  int64_t size_bytes() const;

  // A table property with a default ("delta.checkpointInterval", ...).
  std::string Property(const std::string& key, const std::string& fallback) const;
  int64_t checkpoint_interval() const;

  // Applies one commit's actions on top of this state (log replay, and
  // keeping a writer's snapshot current after its own commit).
  Status Apply(int64_t version, const std::vector<Action>& actions, int64_t timestamp_ms);

  // Checks that medallion can read (and, with `for_write`, write) this table.
  Status CheckSupported(bool for_write) const;

 private:
  int64_t version_ = -1;
  int64_t timestamp_ms_ = 0;
  Protocol protocol_;
  Metadata metadata_;
  bool has_metadata_ = false;
  std::shared_ptr<arrow::Schema> schema_;
  std::map<std::string, AddFile> files_;
  std::map<std::string, RemoveFile> tombstones_;
  std::map<std::string, Txn> txns_;
};

}  // namespace medallion::delta
