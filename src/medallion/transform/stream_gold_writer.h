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
#include "medallion/transform/stream_tail.h"

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

  // Other writers' changes to a table (see GoldChangedByOthers), keyed by
  // "<uri>#<app id>": the newest version up to which they are handled (none
  // left, or recomputed by a commit of this writer), and the newest version
  // up to which they were reported to this writer; -1 when unknown.
  struct Checked {
    int64_t handled = -1;
    int64_t reported = -1;
  };
  Checked& checked(const std::string& key) { return checked_[key]; }

 private:
  std::map<std::string, std::shared_ptr<delta::Table>> tables_;
  std::map<std::string, Checked> checked_;
  GoldTablesKeptOpen* outer_;
};

// The Gold table if it exists (nullptr otherwise), refreshed to its latest
// version.
Result<std::shared_ptr<delta::Table>> OpenGoldIfExists(const std::string& lake_uri, const std::string& table);

// Silver version gold/<table> has consumed (nullopt: none or no table), by
// its txn `app_id` (empty: gold-<table>).
Result<std::optional<int64_t>> GoldConsumedVersion(const std::string& lake_uri, const std::string& table,
                                                   const std::string& app_id = "");

// Event dates of gold/<table> that other writers changed after the newest
// commit of txn `app_id` (empty: gold-<table>), including commits that
// landed between that commit's read and its write: a batch `medallion gold`
// run beside the stream, or a user's job. A streaming update that builds on
// its own earlier rows (revenue_city_hourly adds new Silver rows to them)
// would count what such a writer wrote twice, or keep what it overwrote
// lost, so those dates are recomputed from Silver instead. `all` when the
// changes cannot be narrowed to dates or the log no longer reaches back to
// the txn's commit. Compaction (dataChange=false) is not a change. Empty
// when the table or the txn does not exist.
Result<DateChanges> GoldChangedByOthers(const std::string& lake_uri, const std::string& table,
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
