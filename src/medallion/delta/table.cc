#include "medallion/delta/table.h"

#include <arrow/api.h>
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "medallion/delta/checkpoint.h"
#include "medallion/delta/log_replay.h"
#include "medallion/delta/schema.h"
#include "medallion/delta/uuid.h"

namespace medallion::delta {

using nlohmann::json;

Result<std::shared_ptr<Table>> Table::Open(std::shared_ptr<storage::ObjectStore> store) {
  MEDALLION_ASSIGN_OR_RETURN(auto snapshot, LoadSnapshot(*store));
  MEDALLION_RETURN_IF_ERROR(snapshot->CheckSupported(/*for_write=*/false));
  return std::shared_ptr<Table>(new Table(std::move(store), std::move(snapshot)));
}

Result<std::shared_ptr<Table>> Table::Open(const std::string& uri) {
  MEDALLION_ASSIGN_OR_RETURN(auto store, storage::OpenObjectStore(uri));
  return Open(std::move(store));
}

Result<std::shared_ptr<Table>> Table::Create(std::shared_ptr<storage::ObjectStore> store,
                                             const CreateOptions& options) {
  if (!options.schema || options.schema->num_fields() == 0) {
    return Status::InvalidArgument("a table needs at least one column");
  }
  for (const auto& column : options.partition_columns) {
    if (options.schema->GetFieldIndex(column) < 0) {
      return Status::InvalidArgument(fmt::format("partition column '{}' is not in the schema", column));
    }
  }
  if (static_cast<int>(options.partition_columns.size()) >= options.schema->num_fields()) {
    return Status::InvalidArgument("a table needs at least one column that is not a partition column");
  }
  MEDALLION_ASSIGN_OR_RETURN(std::string schema_string, SchemaToSparkJson(*options.schema));
  Metadata metadata;
  metadata.id = NewUuid();
  metadata.name = options.name;
  metadata.description = options.description;
  metadata.schema_string = schema_string;
  metadata.partition_columns = options.partition_columns;
  metadata.configuration = options.configuration;
  metadata.created_time = NowMillis();
  Protocol protocol;  // reader 1, writer 2: readable by every Delta engine

  CommitRequest request;
  request.operation = "CREATE TABLE";
  request.operation_parameters = {{"isManaged", "false"},
                                  {"description", options.description.value_or("")},
                                  {"partitionBy", json(options.partition_columns).dump()},
                                  {"properties", json(options.configuration).dump()}};
  std::vector<Action> body = {CommitInfo{MakeCommitInfo(request, -1, NowMillis())}, protocol, metadata};
  Status put = store->WriteIfAbsent(CommitFileName(0), SerializeCommit(body));
  if (put.IsAlreadyExists()) return Status::AlreadyExists(fmt::format("a Delta table already exists at {}", store->root_uri()));
  MEDALLION_RETURN_IF_ERROR(put);
  auto snapshot = std::make_shared<Snapshot>();
  MEDALLION_RETURN_IF_ERROR(snapshot->Apply(0, {protocol, metadata}, NowMillis()));
  return std::shared_ptr<Table>(new Table(std::move(store), std::move(snapshot)));
}

Result<std::shared_ptr<Table>> Table::OpenOrCreate(std::shared_ptr<storage::ObjectStore> store,
                                                   const CreateOptions& options) {
  auto opened = Open(store);
  if (opened.ok() || !opened.status().IsNotFound()) return opened;
  auto created = Create(store, options);
  if (created.ok() || !created.status().IsAlreadyExists()) return created;
  return Open(store);  // another process created it first
}

Result<std::shared_ptr<const Snapshot>> Table::Refresh() {
  MEDALLION_ASSIGN_OR_RETURN(auto snapshot, UpdateSnapshot(*store_, snapshot_));
  snapshot_ = snapshot;
  return snapshot_;
}

Result<std::shared_ptr<const Snapshot>> Table::SnapshotAt(int64_t version) {
  if (snapshot_ && snapshot_->version() == version) return snapshot_;
  MEDALLION_ASSIGN_OR_RETURN(auto snapshot, LoadSnapshot(*store_, version));
  return std::shared_ptr<const Snapshot>(snapshot);
}

Result<std::shared_ptr<const Snapshot>> Table::SnapshotAsOf(int64_t timestamp_ms) {
  MEDALLION_ASSIGN_OR_RETURN(int64_t version, VersionAtTimestamp(*store_, timestamp_ms));
  return SnapshotAt(version);
}

Result<WriteResult> Table::Append(const std::shared_ptr<arrow::Table>& data, const WriteOptions& options) {
  return Write(data, options, /*overwrite=*/false);
}

Result<WriteResult> Table::OverwritePartitions(const std::shared_ptr<arrow::Table>& data, const WriteOptions& options) {
  return Write(data, options, /*overwrite=*/true);
}

Result<WriteResult> Table::Write(const std::shared_ptr<arrow::Table>& data, const WriteOptions& options,
                                 bool overwrite) {
  auto read_snapshot = snapshot_;
  MEDALLION_RETURN_IF_ERROR(read_snapshot->CheckSupported(/*for_write=*/true));
  auto conformed = ConformToSchema(data, read_snapshot->schema());
  if (!conformed.ok()) return conformed.status().WithContext(fmt::format("append to {}", uri()));
  const auto& partition_columns = read_snapshot->partition_columns();
  MEDALLION_ASSIGN_OR_RETURN(auto adds, WriteDataFiles(*store_, *conformed, partition_columns, options.data));

  CommitRequest request;
  WriteResult result;
  result.num_rows = (*conformed)->num_rows();
  result.num_files = static_cast<int64_t>(adds.size());
  for (const auto& add : adds) result.num_bytes += add.size;
  if (overwrite) {
    request.reads_whole_table = partition_columns.empty();
    std::set<PartitionValues> replaced;
    for (const auto& add : adds) replaced.insert(add.partition_values);
    request.read_partitions.assign(replaced.begin(), replaced.end());
    const int64_t now = NowMillis();
    for (const auto& [key, file] : read_snapshot->files()) {
      if (partition_columns.empty() || replaced.count(file.partition_values)) {
        RemoveFile remove;
        remove.path = file.path;
        remove.deletion_timestamp = now;
        remove.data_change = true;
        remove.extended_file_metadata = true;
        remove.partition_values = file.partition_values;
        remove.size = file.size;
        request.actions.push_back(std::move(remove));
      }
    }
  }
  for (auto& add : adds) request.actions.push_back(std::move(add));
  const int64_t now = NowMillis();
  for (auto txn : options.txns) {
    if (!txn.last_updated) txn.last_updated = now;
    request.actions.push_back(std::move(txn));
  }
  request.expected_txns = options.expected_txns;
  request.operation = "WRITE";
  request.operation_parameters = {{"mode", overwrite ? "Overwrite" : "Append"},
                                  {"partitionBy", json(partition_columns).dump()}};
  request.is_blind_append = !overwrite;
  request.operation_metrics = {{"numFiles", std::to_string(result.num_files)},
                               {"numOutputRows", std::to_string(result.num_rows)},
                               {"numOutputBytes", std::to_string(result.num_bytes)}};
  auto committed = Commit(*store_, *read_snapshot, std::move(request), options.commit);
  if (!committed.ok()) {
    // Files written for a failed commit are orphans; VACUUM removes them.
    return committed.status();
  }
  snapshot_ = committed->snapshot;
  result.version = committed->version;
  result.attempts = committed->attempts;
  return result;
}

Result<CommitResult> Table::CommitActions(CommitRequest request, const CommitOptions& options) {
  auto committed = Commit(*store_, *snapshot_, std::move(request), options);
  if (committed.ok()) snapshot_ = committed->snapshot;
  return committed;
}

Result<std::vector<HistoryEntry>> Table::History(int64_t limit) {
  MEDALLION_ASSIGN_OR_RETURN(auto commits, ListCommits(*store_, 0));
  std::vector<HistoryEntry> out;
  for (auto it = commits.rbegin(); it != commits.rend(); ++it) {
    if (limit >= 0 && static_cast<int64_t>(out.size()) >= limit) break;
    HistoryEntry entry{it->version, it->timestamp_ms, "{}"};
    auto actions = ReadCommit(*store_, it->version);
    if (!actions.ok()) return actions.status();
    for (const auto& action : *actions) {
      if (const auto* info = std::get_if<CommitInfo>(&action)) entry.commit_info_json = info->json;
    }
    out.push_back(std::move(entry));
  }
  return out;
}

Result<int64_t> Table::Checkpoint() {
  MEDALLION_ASSIGN_OR_RETURN(auto snapshot, Refresh());
  MEDALLION_RETURN_IF_ERROR(WriteCheckpoint(*store_, *snapshot));
  return snapshot->version();
}

}  // namespace medallion::delta
