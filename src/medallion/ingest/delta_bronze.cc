#include "medallion/ingest/delta_bronze.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "medallion/common/arrow_compute.h"
#include "medallion/common/arrow_status.h"
#include "medallion/delta/table.h"
#include "medallion/ingest/bronze_schema.h"

namespace medallion::ingest {

namespace {

Result<std::shared_ptr<delta::Table>> OpenOrCreate(const std::string& uri, std::shared_ptr<arrow::Schema> schema,
                                                   const std::string& partition_column) {
  MEDALLION_ASSIGN_OR_RETURN(auto store, storage::OpenObjectStore(uri));
  delta::CreateOptions create;
  create.schema = std::move(schema);
  create.partition_columns = {partition_column};
  return delta::Table::OpenOrCreate(store, create);
}

}  // namespace

Result<std::shared_ptr<delta::Table>> OpenBronzeTable(const std::string& uri) {
  return OpenOrCreate(uri, BronzeSchema(), std::string(kBronzePartitionColumn));
}

Result<std::shared_ptr<delta::Table>> OpenDeadLetterTable(const std::string& uri) {
  return OpenOrCreate(uri, DeadLetterSchema(), "failed_date");
}

Result<std::optional<int64_t>> DeltaOffsetStore::LastWritten(const std::string& app_id) {
  std::lock_guard lock(mu_);
  MEDALLION_ASSIGN_OR_RETURN(auto snapshot, bronze_->Refresh());
  const std::optional<int64_t> v = snapshot->TxnVersion(app_id);
  known_[app_id] = v;
  return v;
}

std::optional<int64_t> DeltaOffsetStore::Known(const std::string& app_id) {
  std::lock_guard lock(mu_);
  auto it = known_.find(app_id);
  return it == known_.end() ? std::nullopt : it->second;
}

void DeltaOffsetStore::SetKnown(const std::string& app_id, int64_t version) {
  std::lock_guard lock(mu_);
  known_[app_id] = version;
}

DeltaBronzeSink::DeltaBronzeSink(std::shared_ptr<delta::Table> bronze, std::shared_ptr<delta::Table> dead_letters,
                                 DeltaOffsetStore* offsets, std::string group, std::string topic)
    : bronze_(std::move(bronze)),
      dead_letters_(std::move(dead_letters)),
      offsets_(offsets),
      group_(std::move(group)),
      topic_(std::move(topic)) {}

// The dead-letter table carries the same txn per partition (the last offset
// its rows cover). A batch read again after a crash between the two commits,
// or after a refused Bronze commit, may overlap dead letters already written
// with different bounds: per partition, only those past the table's txn go
// in, and the txn never moves back.
Status DeltaBronzeSink::WriteDeadLetters(const BronzeBatch& batch) {
  MEDALLION_RETURN_IF_ERROR(EnsureArrowComputeReady());
  MEDALLION_ASSIGN_OR_RETURN(auto snapshot, dead_letters_->Refresh());
  std::map<int32_t, int64_t> written_up_to;
  delta::WriteOptions options;
  for (const auto& r : batch.partitions) {
    const std::string app_id = KafkaAppId(group_, topic_, r.partition);
    const std::optional<int64_t> written = snapshot->TxnVersion(app_id);
    if (written) written_up_to[r.partition] = *written;
    options.txns.push_back(delta::Txn{app_id, std::max(written.value_or(-1), r.last_offset), std::nullopt});
  }
  const auto& rows = *batch.dead_letters;
  auto partitions = std::static_pointer_cast<arrow::Int32Array>(rows.GetColumnByName("partition"));
  auto offsets = std::static_pointer_cast<arrow::Int64Array>(rows.GetColumnByName("offset"));
  arrow::BooleanBuilder keep;
  int64_t kept = 0;
  for (int64_t i = 0; i < rows.num_rows(); ++i) {
    auto it = written_up_to.find(partitions->Value(i));
    const bool is_new = it == written_up_to.end() || offsets->Value(i) > it->second;
    kept += is_new;
    MEDALLION_RETURN_IF_ARROW_ERROR(keep.Append(is_new));
  }
  if (kept == 0) return Status::OK();
  MEDALLION_ASSIGN_OR_RETURN_ARROW(auto mask, keep.Finish());
  MEDALLION_ASSIGN_OR_RETURN_ARROW(auto table, arrow::Table::FromRecordBatches({batch.dead_letters}));
  MEDALLION_ASSIGN_OR_RETURN_ARROW(arrow::Datum filtered, arrow::compute::Filter(table, mask));
  return dead_letters_->Append(filtered.table(), options).status();
}

Status DeltaBronzeSink::Write(const BronzeBatch& batch) {
  if (batch.empty()) return Status::OK();
  delta::WriteOptions options;
  // Kafka values and offsets are distinct record by record (producer
  // timestamps nearly so): a dictionary could never pay for itself, so they
  // go plain without sampling every batch (which cost as much as encoding
  // them). Other columns keep the writer's default, a dictionary per file.
  options.data.dictionaries =
      delta::DictionaryChoice{.plain = {"value", "offset", "kafka_timestamp"}, .shared_dictionary = {}};
  // Delta keeps no bounds for binary columns, and a Bronze file's keys span
  // the whole key range, so their Parquet min/max would never skip a file.
  options.data.without_statistics = {"value", "key"};
  for (const auto& r : batch.partitions) {
    const std::string app_id = KafkaAppId(group_, topic_, r.partition);
    const std::optional<int64_t> known = offsets_->Known(app_id);
    // The log check below catches another writer; this one a batch of ours
    // that does not follow what Bronze holds (one before it was refused).
    if (known && r.first_offset != *known + 1) {
      return Status::Conflict(fmt::format("{}: the batch starts at offset {} but Bronze holds offsets up to {}",
                                          app_id, r.first_offset, *known));
    }
    options.txns.push_back(delta::Txn{app_id, r.last_offset, std::nullopt});
    options.expected_txns[app_id] = known;
  }
  if (batch.dead_letters->num_rows() > 0) {
    if (!dead_letters_) {
      return Status::InvalidArgument(std::to_string(batch.dead_letters->num_rows()) +
                                     " records of '" + topic_ + "' need a dead-letter table");
    }
    MEDALLION_RETURN_IF_ERROR(WriteDeadLetters(batch));
  }
  MEDALLION_ASSIGN_OR_RETURN_ARROW(auto table, arrow::Table::FromRecordBatches({batch.records}));
  MEDALLION_RETURN_IF_ERROR(bronze_->Append(table, options).status());
  for (const auto& t : options.txns) offsets_->SetKnown(t.app_id, t.version);
  return Status::OK();
}

}  // namespace medallion::ingest
