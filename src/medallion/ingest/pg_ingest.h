// Batch ingestion from PostgreSQL into Bronze Delta tables (bronze/pg_<table>).
//
// Each table is read with one binary COPY of `SELECT ... ORDER BY watermark`
// inside a REPEATABLE READ transaction: the first run is a full snapshot,
// later runs only fetch rows whose watermark is above the last one ingested.
// Rows are streamed into batches of about `batch_rows` and every batch is
// one Delta commit that also records txn{appId "pg-<db>-<table>", version =
// the highest watermark in the batch}. So:
//   - a rerun resumes after the last committed batch (kill -9 loses nothing
//     and duplicates nothing);
//   - two concurrent runs cannot both commit the same rows: each commit
//     expects the txn version it started from (CommitRequest::expected_txns);
//   - a batch is only cut between two different watermark values, because
//     the next run asks for "watermark > last" and must not skip the rest of
//     a group of equal values.
// Watermark values must only grow when a row changes (updated_at set by the
// writer or a trigger, or an increasing key); rows with a NULL watermark are
// not read. Rows whose updated_at is set by a transaction that commits after
// a later-stamped one is ingested are missed until reconciliation; keep
// writers' transactions short or use a sequence.
//
// Bronze keeps every version of a row: columns as in PostgreSQL plus `_op`
// ("r" read, "d" deleted) and `_ingested_at`. Deletes cannot be seen through a
// watermark, so a periodic full reconciliation compares the primary keys in
// PostgreSQL with the live keys in Bronze and appends a "d" row (key columns
// only) for each key that disappeared; txn "pg-<db>-<table>-reconcile"
// records when (epoch seconds).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "medallion/common/result.h"
#include "medallion/ingest/pg_types.h"

namespace medallion::ingest {

struct PgTableSpec {
  std::string name;       // "orders" or "schema.orders"
  std::string watermark;  // empty: updated_at if present, else a single integer primary key
};

struct PgIngestOptions {
  std::string dsn;        // libpq DSN; never printed (RedactSecrets)
  std::string lake_root;  // tables go to <lake_root>/bronze/pg_<table>
  std::vector<PgTableSpec> tables;
  PgTypeOptions types;
  int64_t batch_rows = 100000;
  // Full reconciliation for deletes when this many seconds have passed since
  // the last one: 0 every run, negative never.
  int64_t reconcile_interval_seconds = 86400;
  bool force_reconcile = false;
  std::optional<bool> interactive_progress;  // nullopt: a terminal gets a redrawn line
};

struct PgTableReport {
  std::string table;
  std::string bronze_uri;
  int64_t rows = 0;       // rows appended (inserts and updates)
  int64_t deleted = 0;    // tombstones appended by reconciliation
  int64_t commits = 0;
  std::optional<int64_t> watermark;  // after the run
  bool reconciled = false;
  double seconds = 0;
};

// Validates every table first (exists, types supported, watermark usable),
// so a bad table commits nothing anywhere, then ingests them in order.
Result<std::vector<PgTableReport>> IngestPostgres(const PgIngestOptions& options);

// "orders" -> "pg_orders", "sales.orders" -> "pg_sales_orders".
std::string BronzeTableName(const std::string& pg_table);
// "pg-<db>-<table>".
std::string PgAppId(const std::string& database, const std::string& pg_table);

}  // namespace medallion::ingest
