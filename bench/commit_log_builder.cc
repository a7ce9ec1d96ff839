#include "bench/commit_log_builder.h"

#include <arrow/api.h>
#include <fmt/format.h>

#include "medallion/common/arrow_status.h"
#include "medallion/delta/action.h"
#include "medallion/delta/checkpoint.h"
#include "medallion/delta/log_replay.h"
#include "medallion/delta/stats.h"
#include "medallion/delta/table.h"
#include "medallion/delta/transaction.h"
#include "medallion/delta/uuid.h"
#include "medallion/delta/value_format.h"

namespace medallion::bench {

namespace {

constexpr char kPartitionColumn[] = "event_date";
constexpr int kDays = 30;
constexpr int32_t kFirstDay = 19844;  // 2024-05-01 as days since the epoch

}  // namespace

Result<int64_t> BuildCommitLog(const std::string& root, const std::shared_ptr<arrow::Table>& events,
                               const CommitLogOptions& options) {
  if (events->num_rows() < options.rows_per_file) {
    return Status::InvalidArgument(fmt::format("need at least {} event rows, got {}", options.rows_per_file,
                                               events->num_rows()));
  }
  MEDALLION_ASSIGN_OR_RETURN(auto store, storage::OpenObjectStore(root));
  delta::CreateOptions create;
  create.schema = events->schema();
  create.partition_columns = {kPartitionColumn};
  MEDALLION_ASSIGN_OR_RETURN(auto table, delta::Table::Create(store, create));
  // The engine's own commit path copies the snapshot on every commit; here
  // one snapshot is advanced in place, which keeps building 10 000 commits
  // linear. What lands in storage is what Commit() would write.
  auto snapshot = std::make_shared<delta::Snapshot>(*table->snapshot());
  const int interval = static_cast<int>(snapshot->checkpoint_interval());
  const int partition_index = events->schema()->GetFieldIndex(kPartitionColumn);
  MEDALLION_ASSIGN_OR_RETURN_ARROW(auto data_columns, events->RemoveColumn(partition_index));
  const int64_t slices = data_columns->num_rows() / options.rows_per_file;

  for (int64_t version = 1; version <= options.appends; ++version) {
    const int64_t now = delta::NowMillis();
    // Stream order: the day advances with the version, like ingest would.
    const int32_t day = kFirstDay + static_cast<int32_t>((version - 1) * kDays / options.appends);
    const std::string date = delta::FormatDate(day);
    auto rows = data_columns->Slice(((version - 1) % slices) * options.rows_per_file, options.rows_per_file);
    MEDALLION_ASSIGN_OR_RETURN(std::string stats, delta::ComputeStatsJson(*rows));

    delta::AddFile add;
    add.path = fmt::format("{}={}/part-00000-{}-c000.snappy.parquet", kPartitionColumn, date, delta::NewUuid());
    add.partition_values = {{kPartitionColumn, date}};
    add.size = 9000 + (version * 7919) % 2000;
    add.modification_time = now;
    add.data_change = true;
    add.stats = std::move(stats);
    delta::Txn txn{"bench-events-0", version, now};

    delta::CommitRequest request;
    request.operation = "WRITE";
    request.operation_parameters = {{"mode", "Append"}, {"partitionBy", "[\"event_date\"]"}};
    request.operation_metrics = {{"numFiles", "1"}, {"numOutputRows", std::to_string(options.rows_per_file)}};
    std::vector<delta::Action> actions = {txn, add};
    std::vector<delta::Action> body = {delta::CommitInfo{delta::MakeCommitInfo(request, version - 1, now)}, txn, add};
    MEDALLION_RETURN_IF_ERROR(store->WriteIfAbsent(delta::CommitFileName(version), delta::SerializeCommit(body)));
    MEDALLION_RETURN_IF_ERROR(snapshot->Apply(version, actions, now));
    if (options.checkpoints && version % interval == 0) {
      MEDALLION_RETURN_IF_ERROR(delta::WriteCheckpoint(*store, *snapshot));
    }
  }
  return snapshot->version();
}

}  // namespace medallion::bench
