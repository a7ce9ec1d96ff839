// Committing a Gold table for a streaming consumer: the rows replace their
// date partitions (or the whole table) and the same commit records
// txn{appId = gold-<table>, version = upstream Silver version consumed},
// expecting the txn it started from, so two runners never both commit the
// same step and a restart knows exactly what is done.
#pragma once

#include <arrow/type_fwd.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "medallion/common/result.h"
#include "medallion/delta/table.h"

namespace medallion::transform {

// "<lake>/gold/<table>".
std::string GoldTableUri(const std::string& lake_uri, const std::string& table);

// "gold-<table>".
std::string GoldAppId(const std::string& table);

// Keeps the Gold tables this thread opens through the functions below open
// until it is destroyed: a streaming loop touches each table several times
// per trigger, and reopening replays its log from the last checkpoint every
// time, where a refresh of the kept table reads only the newer commits.
// Installs itself for the constructing thread (nesting restores the outer
// one); commits stay put-if-absent with the txn check, so a second writer
// is still caught.
class GoldTablesKeptOpen {
 public:
  GoldTablesKeptOpen();
  ~GoldTablesKeptOpen();
  GoldTablesKeptOpen(const GoldTablesKeptOpen&) = delete;
  GoldTablesKeptOpen& operator=(const GoldTablesKeptOpen&) = delete;

  std::shared_ptr<delta::Table> Find(const std::string& uri) const;
  void Keep(const std::string& uri, std::shared_ptr<delta::Table> table);

 private:
  std::map<std::string, std::shared_ptr<delta::Table>> tables_;
  GoldTablesKeptOpen* outer_;
};

// The Gold table if it exists (nullptr otherwise), refreshed to its latest
// version.
Result<std::shared_ptr<delta::Table>> OpenGoldIfExists(const std::string& lake_uri, const std::string& table);

// Silver version gold/<table> has consumed (nullopt: none or no table), by
// its txn `app_id` (empty: gold-<table>).
Result<std::optional<int64_t>> GoldConsumedVersion(const std::string& lake_uri, const std::string& table,
                                                   const std::string& app_id = "");

enum class GoldWriteMode { kReplacePartitions, kReplaceAll, kAppend };

struct GoldCommit {
  std::string table;
  int64_t rows = 0;
  int64_t version = -1;  // -1: nothing committed
  int64_t committed_at_ms = 0;
};

// Creates gold/<table> from `rows`' schema if absent (partitioned by
// event_date unless kReplaceAll; even with no rows, so the table's txn can
// record that its input was consumed), then commits `rows` with the txn
// (the txn alone when there are no rows). `app_id` as in
// GoldConsumedVersion (several writers may share one table).
Result<GoldCommit> CommitGold(const std::string& lake_uri, const std::string& table,
                              const std::shared_ptr<arrow::Table>& rows, GoldWriteMode mode,
                              std::optional<int64_t> expected_version, int64_t silver_version,
                              const std::string& app_id = "");

}  // namespace medallion::transform
