#include "medallion/serve/lake_reader.h"

#include <arrow/filesystem/filesystem.h>
#include <arrow/table.h>

#include <algorithm>

#include "medallion/common/arrow_status.h"
#include "medallion/delta/scan.h"

namespace medallion::serve {

namespace {

std::string ColumnsKey(const std::vector<std::string>& columns) {
  std::string key;
  for (const auto& c : columns) key += c + '\x1f';
  return key;
}

std::pair<std::string, std::string> SplitTablePath(const std::string& table) {
  auto slash = table.find('/');
  if (slash == std::string::npos) return {"", table};
  return {table.substr(0, slash), table.substr(slash + 1)};
}

// Errors from reading an existing table keep their detail for the log but
// never a client-facing code: a vacuumed data file is the server's problem.
Status Unreadable(const Status& st, const std::string& table) {
  if (st.ok()) return st;
  return Status::IOError(table + ": " + st.ToString());
}

}  // namespace

const std::vector<std::string>& LakeLayers() {
  static const std::vector<std::string> kLayers = {"bronze", "silver", "gold", "_models"};
  return kLayers;
}

Result<std::shared_ptr<LakeReader>> LakeReader::Open(const std::string& lake_uri, Options options) {
  MEDALLION_ASSIGN_OR_RETURN(auto root, storage::OpenObjectStore(lake_uri));
  std::string uri = root->root_uri();
  return std::shared_ptr<LakeReader>(new LakeReader(std::move(uri), std::move(root), options));
}

LakeReader::Entry& LakeReader::EntryFor(const std::string& table) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = entries_[table];
  if (!slot) slot = std::make_unique<Entry>();
  return *slot;
}

Result<std::shared_ptr<const delta::Snapshot>> LakeReader::Current(const std::string& table, Entry& entry) {
  const auto now = std::chrono::steady_clock::now();
  if (entry.checked && now - entry.checked_at < options_.refresh_interval) {
    return entry.table ? entry.table->snapshot() : nullptr;
  }
  if (!entry.table) {
    MEDALLION_ASSIGN_OR_RETURN(auto store, storage::OpenObjectStore(storage::JoinPath(lake_uri_, table)));
    auto opened = delta::Table::Open(std::move(store));
    if (!opened.ok() && !opened.status().IsNotFound()) return Unreadable(opened.status(), table);
    if (opened.ok()) entry.table = std::move(opened).value();
  } else {
    MEDALLION_RETURN_IF_ERROR(Unreadable(entry.table->Refresh().status(), table));
  }
  entry.checked = true;
  entry.checked_at = now;
  return entry.table ? entry.table->snapshot() : nullptr;
}

Result<TableRows> LakeReader::Rows(const std::string& table, const std::vector<std::string>& columns) {
  Entry& entry = EntryFor(table);
  std::lock_guard<std::mutex> lock(entry.mu);
  MEDALLION_ASSIGN_OR_RETURN(auto snapshot, Current(table, entry));
  if (!snapshot) return TableRows{-1, std::make_shared<const JsonRows>()};
  const std::string key = ColumnsKey(columns);
  auto cached = entry.rows.find(key);
  if (cached != entry.rows.end() && cached->second.version == snapshot->version()) return cached->second;

  delta::ScanOptions scan;
  for (const auto& c : columns) {
    if (snapshot->schema() && snapshot->schema()->GetFieldIndex(c) >= 0) scan.columns.push_back(c);
  }
  if (!columns.empty() && scan.columns.empty()) {
    // None of the asked columns exists: rows with no fields, one per row.
    TableRows out{snapshot->version(), std::make_shared<const JsonRows>(
                                           static_cast<size_t>(snapshot->num_rows()), nlohmann::json::object())};
    entry.rows[key] = out;
    return out;
  }
  auto data = delta::ScanToTable(entry.table->store(), *snapshot, scan);
  if (!data.ok()) return Unreadable(data.status(), table);
  auto rows = TableToJsonRows(**data);
  if (!rows.ok()) return Unreadable(rows.status(), table);
  TableRows out{snapshot->version(), std::make_shared<const JsonRows>(std::move(rows).value())};
  entry.rows[key] = out;
  return out;
}

Result<std::optional<TableStats>> LakeReader::Stats(const std::string& table) {
  Entry& entry = EntryFor(table);
  std::lock_guard<std::mutex> lock(entry.mu);
  MEDALLION_ASSIGN_OR_RETURN(auto snapshot, Current(table, entry));
  if (!snapshot) return std::optional<TableStats>();
  auto [layer, name] = SplitTablePath(table);
  TableStats stats;
  stats.layer = layer;
  stats.name = name;
  stats.version = snapshot->version();
  stats.rows = snapshot->num_rows();
  stats.files = static_cast<int64_t>(snapshot->files().size());
  stats.size_bytes = snapshot->size_bytes();
  stats.last_commit_ms = snapshot->timestamp_ms();
  return std::optional<TableStats>(std::move(stats));
}

Result<std::vector<std::string>> LakeReader::ChildDirectories(const std::string& dir) {
  arrow::fs::FileSelector selector;
  selector.base_dir = root_->ArrowPath(dir);
  selector.allow_not_found = true;
  selector.recursive = false;
  auto infos = FromArrow(root_->arrow_filesystem()->GetFileInfo(selector));
  if (!infos.ok()) return Unreadable(infos.status(), dir);
  std::vector<std::string> names;
  for (const auto& info : *infos) {
    if (info.type() != arrow::fs::FileType::Directory) continue;
    std::string name = info.base_name();
    if (name.empty() || name.front() == '.') continue;
    names.push_back(std::move(name));
  }
  std::sort(names.begin(), names.end());
  return names;
}

Result<std::vector<TableStats>> LakeReader::ListTables() {
  std::vector<std::string> candidates;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const auto now = std::chrono::steady_clock::now();
    if (listed_ && now - listed_at_ < options_.refresh_interval) candidates = *listed_;
  }
  if (candidates.empty()) {
    for (const auto& layer : LakeLayers()) {
      MEDALLION_ASSIGN_OR_RETURN(auto names, ChildDirectories(layer));
      for (const auto& name : names) candidates.push_back(layer + "/" + name);
    }
    std::lock_guard<std::mutex> lock(mu_);
    listed_ = candidates;
    listed_at_ = std::chrono::steady_clock::now();
  }
  std::vector<TableStats> tables;
  for (const auto& table : candidates) {
    MEDALLION_ASSIGN_OR_RETURN(auto stats, Stats(table));
    if (stats) tables.push_back(std::move(*stats));
  }
  return tables;
}

Result<std::optional<std::vector<delta::HistoryEntry>>> LakeReader::History(const std::string& table, int64_t limit) {
  Entry& entry = EntryFor(table);
  std::lock_guard<std::mutex> lock(entry.mu);
  MEDALLION_ASSIGN_OR_RETURN(auto snapshot, Current(table, entry));
  if (!snapshot) return std::optional<std::vector<delta::HistoryEntry>>();
  auto history = entry.table->History(limit);
  if (!history.ok()) return Unreadable(history.status(), table);
  return std::optional<std::vector<delta::HistoryEntry>>(std::move(history).value());
}

Result<std::optional<std::string>> LakeReader::ReadObject(const std::string& path) {
  auto data = root_->Read(path);
  if (data.status().IsNotFound()) return std::optional<std::string>();
  if (!data.ok()) return Unreadable(data.status(), path);
  return std::optional<std::string>(std::move(data).value());
}

}  // namespace medallion::serve
