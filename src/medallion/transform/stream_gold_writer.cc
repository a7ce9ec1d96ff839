#include "medallion/transform/stream_gold_writer.h"

#include <arrow/api.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <variant>

#include "medallion/delta/log_replay.h"
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

namespace {

// A commit's readVersion (-1 when it has none).
int64_t ReadVersionOf(const std::vector<delta::Action>& commit) {
  for (const auto& action : commit) {
    if (const auto* info = std::get_if<delta::CommitInfo>(&action)) {
      auto parsed = nlohmann::json::parse(info->json, nullptr, /*allow_exceptions=*/false);
      if (parsed.is_object() && parsed.contains("readVersion") && parsed["readVersion"].is_number_integer()) {
        return parsed["readVersion"].get<int64_t>();
      }
    }
  }
  return -1;
}

bool CarriesTxn(const std::vector<delta::Action>& commit, const std::string& app_id) {
  for (const auto& action : commit) {
    if (const auto* txn = std::get_if<delta::Txn>(&action); txn && txn->app_id == app_id) return true;
  }
  return false;
}

// Where GoldTablesKeptOpen keeps what was checked of `gold` for txn `app`.
std::string CheckedKey(const delta::Table& gold, const std::string& app) { return gold.uri() + "#" + app; }

// How far back GoldChangedByOthers looks for the txn's commit before it
// gives up and reports every date as changed.
constexpr int64_t kMaxCommitsScanned = 1000;

}  // namespace

Result<DateChanges> GoldChangedByOthers(const std::string& lake_uri, const std::string& table,
                                        const std::string& app_id) {
  DateChanges changes;
  MEDALLION_ASSIGN_OR_RETURN(auto gold, OpenGoldIfExists(lake_uri, table));
  const std::string app = app_id.empty() ? GoldAppId(table) : app_id;
  if (!gold || !gold->snapshot()->TxnVersion(app)) return changes;
  const int64_t latest = gold->snapshot()->version();
  const std::string key = CheckedKey(*gold, app);
  const int64_t handled = kept_open != nullptr ? kept_open->checked(key).handled : -1;
  if (handled == latest) {
    kept_open->checked(key).reported = latest;  // so this writer's next commit is handled too
    return changes;
  }
  // Newest first. Known handled version: every other writer's commit since.
  // Otherwise (a new process): other writers' commits down to the txn's
  // newest commit, then those between that commit's read and its write.
  bool found = handled >= 0;
  int64_t floor = handled;
  for (int64_t v = latest; v > floor; --v) {
    if (latest - v >= kMaxCommitsScanned) {
      changes.all = true;
      break;
    }
    auto commit = delta::ReadCommit(gold->store(), v);
    if (!commit.ok()) {
      if (!commit.status().IsNotFound()) return commit.status().WithContext(fmt::format("gold/{} version {}", table, v));
      changes.all = true;  // cleaned up: what happened before is unknown
      break;
    }
    if (CarriesTxn(*commit, app)) {
      if (found) continue;  // this writer's own commit
      found = true;
      const int64_t read = ReadVersionOf(*commit);
      floor = read >= 0 && read < v ? read : v - 1;
      continue;
    }
    AddChangedDates(*commit, "event_date", fmt::format("gold/{} version {}", table, v), &changes);
  }
  if (kept_open != nullptr) {
    // Reported changes stay unhandled until this writer commits after them
    // (CommitGold); with none, there is nothing to handle.
    auto& checked = kept_open->checked(key);
    checked.reported = latest;
    if (changes.empty()) checked.handled = latest;
  }
  return changes;
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
  const int64_t read_version = gold->snapshot()->version();
  auto written = replace ? gold->OverwritePartitions(rows, options) : gold->Append(rows, options);
  if (!written.ok()) return written.status().WithContext(fmt::format("committing gold/{}", table));
  // The writer was told of every other writer's change up to the version
  // this commit read, and this commit landed right after it: they are
  // handled now. (A change that came in between is found again next time.)
  if (kept_open != nullptr) {
    auto& checked = kept_open->checked(CheckedKey(*gold, app));
    if (checked.reported == read_version && written->version == read_version + 1) checked.handled = written->version;
  }
  out.version = written->version;
  out.committed_at_ms = delta::NowMillis();
  return out;
}

}  // namespace medallion::transform
