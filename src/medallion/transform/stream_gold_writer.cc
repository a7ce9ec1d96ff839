#include "medallion/transform/stream_gold_writer.h"

#include <arrow/api.h>
#include <fmt/format.h>

#include "medallion/delta/schema.h"
#include "medallion/delta/transaction.h"
#include "medallion/storage/object_store.h"

namespace medallion::transform {

std::string GoldTableUri(const std::string& lake_uri, const std::string& table) {
  std::string root = lake_uri;
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  return root + "/gold/" + table;
}

std::string GoldAppId(const std::string& table) { return "gold-" + table; }

namespace {
thread_local GoldTablesKeptOpen* kept_open = nullptr;
}  // namespace

GoldTablesKeptOpen::GoldTablesKeptOpen() : outer_(kept_open) { kept_open = this; }
GoldTablesKeptOpen::~GoldTablesKeptOpen() { kept_open = outer_; }

std::shared_ptr<delta::Table> GoldTablesKeptOpen::Find(const std::string& uri) const {
  auto it = tables_.find(uri);
  return it == tables_.end() ? nullptr : it->second;
}

void GoldTablesKeptOpen::Keep(const std::string& uri, std::shared_ptr<delta::Table> table) {
  tables_[uri] = std::move(table);
}

Result<std::shared_ptr<delta::Table>> OpenGoldIfExists(const std::string& lake_uri, const std::string& table) {
  const std::string uri = GoldTableUri(lake_uri, table);
  if (kept_open != nullptr) {
    if (auto kept = kept_open->Find(uri)) {
      MEDALLION_RETURN_IF_ERROR(kept->Refresh().status());
      return kept;
    }
  }
  auto opened = delta::Table::Open(uri);
  if (opened.ok()) {
    if (kept_open != nullptr) kept_open->Keep(uri, *opened);
    return opened;
  }
  if (opened.status().IsNotFound()) return std::shared_ptr<delta::Table>();
  return opened.status();
}

Result<std::optional<int64_t>> GoldConsumedVersion(const std::string& lake_uri, const std::string& table,
                                                   const std::string& app_id) {
  MEDALLION_ASSIGN_OR_RETURN(auto gold, OpenGoldIfExists(lake_uri, table));
  if (!gold) return std::optional<int64_t>();
  return gold->snapshot()->TxnVersion(app_id.empty() ? GoldAppId(table) : app_id);
}

Result<GoldCommit> CommitGold(const std::string& lake_uri, const std::string& table,
                              const std::shared_ptr<arrow::Table>& rows, GoldWriteMode mode,
                              std::optional<int64_t> expected_version, int64_t silver_version,
                              const std::string& app_id) {
  GoldCommit out{table, rows->num_rows(), -1, 0};
  MEDALLION_ASSIGN_OR_RETURN(auto gold, OpenGoldIfExists(lake_uri, table));
  if (!gold) {
    MEDALLION_ASSIGN_OR_RETURN(auto store, storage::OpenObjectStore(GoldTableUri(lake_uri, table)));
    delta::CreateOptions create;
    MEDALLION_ASSIGN_OR_RETURN(create.schema, delta::CanonicalSchema(*rows->schema()));
    if (mode != GoldWriteMode::kReplaceAll) create.partition_columns = {"event_date"};
    create.name = table;
    MEDALLION_ASSIGN_OR_RETURN(gold, delta::Table::OpenOrCreate(store, create));
    if (kept_open != nullptr) kept_open->Keep(GoldTableUri(lake_uri, table), gold);
  }
  // OpenGoldIfExists returned the newest snapshot, which an overwrite needs:
  // it removes the files of the snapshot it starts from.
  const std::string app = app_id.empty() ? GoldAppId(table) : app_id;
  delta::WriteOptions options;
  options.txns.push_back(delta::Txn{app, silver_version, std::nullopt});
  options.expected_txns[app] = expected_version;
  const bool replace = mode != GoldWriteMode::kAppend && (rows->num_rows() > 0 || mode == GoldWriteMode::kReplaceAll);
  auto written = replace ? gold->OverwritePartitions(rows, options) : gold->Append(rows, options);
  if (!written.ok()) return written.status().WithContext(fmt::format("committing gold/{}", table));
  out.version = written->version;
  out.committed_at_ms = delta::NowMillis();
  return out;
}

}  // namespace medallion::transform
