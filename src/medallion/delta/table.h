// A Delta table: the entry point the rest of medallion uses. Holds the store
// and the newest snapshot this process has seen; every write is one
// optimistic commit (transaction.h).
#pragma once

#include <arrow/type_fwd.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "medallion/common/result.h"
#include "medallion/delta/data_writer.h"
#include "medallion/delta/scan.h"
#include "medallion/delta/snapshot.h"
#include "medallion/delta/transaction.h"
#include "medallion/storage/object_store.h"

namespace medallion::delta {

struct CreateOptions {
  std::shared_ptr<arrow::Schema> schema;
  std::vector<std::string> partition_columns;
  StringMap configuration;  // table properties ("delta.checkpointInterval", ...)
  std::optional<std::string> name;
  std::optional<std::string> description;
};

struct WriteOptions {
  DataWriterOptions data;
  // App transactions recorded in the same commit (exactly-once sources) and
  // the versions the writer expects to find in the log (see CommitRequest).
  std::vector<Txn> txns;
  std::map<std::string, std::optional<int64_t>> expected_txns;
  CommitOptions commit;
};

struct WriteResult {
  int64_t version = -1;
  int64_t num_files = 0;
  int64_t num_rows = 0;
  int64_t num_bytes = 0;
  int attempts = 0;
};

struct OptimizeResult {
  int64_t version = -1;  // -1: nothing to do
  int64_t files_removed = 0;
  int64_t files_added = 0;
  int64_t partitions_optimized = 0;
};

struct VacuumResult {
  std::vector<std::string> deleted;  // relative paths (or would-be, on dry run)
  int64_t bytes = 0;
};

struct HistoryEntry {
  int64_t version = -1;
  int64_t timestamp_ms = 0;
  std::string commit_info_json;  // "{}" when the commit has none
};

class Table {
 public:
  // Opens an existing table; NotFound naming the URI if there is none.
  static Result<std::shared_ptr<Table>> Open(std::shared_ptr<storage::ObjectStore> store);
  static Result<std::shared_ptr<Table>> Open(const std::string& uri);

  // Creates a table (version 0); AlreadyExists if one is there.
  static Result<std::shared_ptr<Table>> Create(std::shared_ptr<storage::ObjectStore> store,
                                               const CreateOptions& options);

  // Opens the table, or creates it if absent; safe when several processes
  // race to create the same table.
  static Result<std::shared_ptr<Table>> OpenOrCreate(std::shared_ptr<storage::ObjectStore> store,
                                                     const CreateOptions& options);

  const std::string& uri() const { return store_->root_uri(); }
  storage::ObjectStore& store() { return *store_; }
  const std::shared_ptr<storage::ObjectStore>& store_ptr() const { return store_; }

  // Newest snapshot this process knows of (no I/O).
  std::shared_ptr<const Snapshot> snapshot() const { return snapshot_; }
  // Reloads the latest version from storage.
  Result<std::shared_ptr<const Snapshot>> Refresh();
  Result<std::shared_ptr<const Snapshot>> SnapshotAt(int64_t version);
  Result<std::shared_ptr<const Snapshot>> SnapshotAsOf(int64_t timestamp_ms);

  // Appends `data` (conformed to the table schema) as new files.
  Result<WriteResult> Append(const std::shared_ptr<arrow::Table>& data, const WriteOptions& options = {});

  // Replaces the partitions that occur in `data` (all data if the table is
  // not partitioned) with `data`, in one commit of removes and adds.
  Result<WriteResult> OverwritePartitions(const std::shared_ptr<arrow::Table>& data, const WriteOptions& options = {});

  // Commits prepared actions (used by OPTIMIZE and by other modules).
  Result<CommitResult> CommitActions(CommitRequest request, const CommitOptions& options = {});

  Result<std::vector<HistoryEntry>> History(int64_t limit = -1);

  // Rewrites small files of each partition into files near the target size
  // (dataChange=false, so streaming readers ignore it).
  Result<OptimizeResult> Optimize(const Predicate& partition_filter, int64_t target_file_size_bytes,
                                  const std::string& compression = "snappy");

  // Deletes data files no longer referenced by the latest snapshot and older
  // than the retention period.
  Result<VacuumResult> Vacuum(double retention_hours, bool dry_run);

  // Writes a checkpoint of the latest version now.
  Result<int64_t> Checkpoint();

 private:
  Table(std::shared_ptr<storage::ObjectStore> store, std::shared_ptr<Snapshot> snapshot)
      : store_(std::move(store)), snapshot_(std::move(snapshot)) {}

  Result<WriteResult> Write(const std::shared_ptr<arrow::Table>& data, const WriteOptions& options, bool overwrite);

  std::shared_ptr<storage::ObjectStore> store_;
  std::shared_ptr<const Snapshot> snapshot_;
};

}  // namespace medallion::delta
