// What the data routes read: Delta tables under the lake root (local or
// s3://) through delta::Table, plus the small status files under _runs/.
//
// A dashboard polls every few seconds from several tabs, so each table's
// snapshot is refreshed at most once per `refresh_interval`, and a table's
// rows are scanned and converted once per table version: a request between
// commits costs a map lookup. A table that does not exist yet is not an
// error: it reads as missing (version -1, no rows) and is looked for again
// on the next refresh.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "medallion/common/result.h"
#include "medallion/delta/table.h"
#include "medallion/serve/arrow_rows.h"
#include "medallion/storage/object_store.h"

namespace medallion::serve {

// The layers ListTables looks in, in order.
const std::vector<std::string>& LakeLayers();

struct TableRows {
  int64_t version = -1;  // -1: the table does not exist (yet)
  std::shared_ptr<const JsonRows> rows;  // never null; empty when missing
  bool missing() const { return version < 0; }
};

struct TableStats {
  std::string layer;
  std::string name;
  int64_t version = -1;
  int64_t rows = 0;  // from file stats
  int64_t files = 0;
  int64_t size_bytes = 0;
  int64_t last_commit_ms = 0;
};

class LakeReader {
 public:
  struct Options {
    std::chrono::milliseconds refresh_interval{1000};
  };

  // Opens the root store; nothing is read until asked.
  static Result<std::shared_ptr<LakeReader>> Open(const std::string& lake_uri, Options options);
  static Result<std::shared_ptr<LakeReader>> Open(const std::string& lake_uri) { return Open(lake_uri, Options()); }

  const std::string& lake_uri() const { return lake_uri_; }

  // Rows of `table` ("gold/sales_daily"), only `columns` when given (columns
  // the table lacks are left out, so older tables still answer).
  Result<TableRows> Rows(const std::string& table, const std::vector<std::string>& columns = {});

  // Version, rows, files and size of `table`; nullopt when missing.
  Result<std::optional<TableStats>> Stats(const std::string& table);

  // Every Delta table one level under each of LakeLayers(), by layer then name.
  Result<std::vector<TableStats>> ListTables();

  // Newest first, at most `limit` entries; nullopt when the table is missing.
  Result<std::optional<std::vector<delta::HistoryEntry>>> History(const std::string& table, int64_t limit);

  // A small object under the root ("_runs/stream_status.json"); nullopt when absent.
  Result<std::optional<std::string>> ReadObject(const std::string& path);

 private:
  struct Entry {
    std::mutex mu;
    std::shared_ptr<delta::Table> table;
    std::chrono::steady_clock::time_point checked_at{};
    bool checked = false;
    // Converted rows per column list, valid for one version.
    std::map<std::string, TableRows> rows;
  };

  LakeReader(std::string lake_uri, std::shared_ptr<storage::ObjectStore> root, Options options)
      : lake_uri_(std::move(lake_uri)), root_(std::move(root)), options_(options) {}

  Entry& EntryFor(const std::string& table);
  // The current snapshot (refreshed if stale), null when missing. Caller holds entry.mu.
  Result<std::shared_ptr<const delta::Snapshot>> Current(const std::string& table, Entry& entry);
  Result<std::vector<std::string>> ChildDirectories(const std::string& dir);

  std::string lake_uri_;
  std::shared_ptr<storage::ObjectStore> root_;
  Options options_;
  std::mutex mu_;
  std::map<std::string, std::unique_ptr<Entry>> entries_;
  std::chrono::steady_clock::time_point listed_at_{};
  std::optional<std::vector<std::string>> listed_;  // table paths found by the last listing
};

}  // namespace medallion::serve
