// The incremental Bronze -> Silver job for one entity.
//
// Each batch reads the Bronze commits after the last one Silver consumed,
// turns them into Silver rows and quarantined rows (silver_batch.h), and
// commits to three tables:
//   <silver>             typed, deduplicated rows
//   <silver>_quarantine  every rejected Bronze row with its rules and reason
//   <lake>/gold/quality_metrics  one row per expectation per batch
// Every table records txn{appId = "silver-<entity>", version = last Bronze
// version of the batch}; Silver's txn is the job's progress.
//
// Crash safety (kill -9 at any instruction):
//   The three commits are not atomic together, so they are ordered and each
//   is idempotent on its own:
//     1. quarantine (skipped if its txn already covers the batch),
//     2. quality_metrics (likewise),
//     3. Silver, last, with expected_txns = the version this batch started
//        from, so a zombie copy of the job cannot commit the same batch twice.
//   A crash before 3 leaves Silver's txn at the batch start: the batch is
//   re-run. Because a batch's output is a pure function of its Bronze
//   versions, of the dedup state (which is itself a function of Silver,
//   unchanged) and of the currency rates, the re-run produces the same rows
//   as long as it converts with the same rates: steps 1-2 also record the
//   version of the rates table they used (txn appId "<job>-currency-rates"),
//   and a re-run reads the rates at that version, even if they changed in
//   between (otherwise an order quarantined by step 1 could reach Silver as
//   well, or one taken by the lost Silver commit could end up nowhere).
//   Steps 1-2 see their txn
//   already at the batch end and write nothing, and 3 commits. For the re-run
//   to cover exactly the same Bronze versions, a restart whose quarantine or
//   metrics txn is ahead of Silver's makes its first batch end at that
//   version, not at the newest Bronze version. A crash after 3 loses nothing:
//   the next run starts after the batch.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "medallion/common/result.h"
#include "medallion/delta/table.h"
#include "medallion/quality/expectation.h"
#include "medallion/transform/currency_rates.h"
#include "medallion/transform/silver_dedup.h"
#include "medallion/transform/silver_parser.h"

namespace medallion::transform {

struct SilverBatch;

struct SilverJobOptions {
  std::string entity = "orders";
  std::string bronze_uri;
  std::string silver_uri;
  std::string quarantine_uri;  // empty: <silver_uri>_quarantine
  std::string metrics_uri;     // empty: <lake>/gold/quality_metrics, lake = two levels above silver
  std::string currency_rates_uri;  // empty: <lake>/silver/currency_rates (currency_rates.h)
  quality::Suite suite;
  int64_t dedup_horizon_us = kDefaultDedupHorizonUs;
  // Bronze commits per batch: bounds memory, and a crash re-does at most this much.
  int64_t max_versions_per_batch = 20;
  ParserOptions parser;
};

struct SilverRunStats {
  int64_t batches = 0;
  int64_t bronze_rows = 0;
  int64_t silver_rows = 0;
  int64_t quarantined = 0;
  int64_t dropped = 0;
  int64_t duplicates = 0;
  int64_t bronze_version = -1;  // last Bronze version consumed (-1: none yet)
};

// "<silver>_quarantine", "<lake>/gold/quality_metrics" and
// "<lake>/silver/currency_rates" for a Silver URI.
std::string DefaultQuarantineUri(const std::string& silver_uri);
std::string DefaultMetricsUri(const std::string& silver_uri);
std::string DefaultCurrencyRatesUri(const std::string& silver_uri);

class SilverJob {
 public:
  // Opens Bronze (must exist), creates Silver/quarantine/metrics if absent and
  // rebuilds the dedup state from Silver.
  static Result<std::unique_ptr<SilverJob>> Open(SilverJobOptions options);

  std::string app_id() const { return "silver-" + options_.entity; }

  // One batch. False when Bronze has nothing Silver has not consumed.
  Result<bool> RunBatch(SilverRunStats* stats);

  // Batches until Silver has consumed every Bronze version.
  Result<SilverRunStats> CatchUp();

 private:
  SilverJob(SilverJobOptions options, std::shared_ptr<delta::Table> bronze, std::shared_ptr<delta::Table> silver,
            std::shared_ptr<delta::Table> quarantine, std::shared_ptr<delta::Table> metrics, DedupState dedup,
            std::shared_ptr<delta::Table> rates_table, CurrencyRates rates);

  Result<std::shared_ptr<arrow::Table>> ReadBronze(const delta::Snapshot& bronze, int64_t from_exclusive,
                                                   int64_t to_inclusive);
  // The rates a batch ending at Bronze version `end` converts with (see the
  // header comment): those a crashed run of the same batch recorded, or else
  // the table's newest version, so a rate added while the job runs applies
  // from the next batch.
  Result<const CurrencyRates*> RatesForBatch(int64_t end, bool redo);
  Status CommitBatch(std::optional<int64_t> silver_txn, int64_t end, const SilverBatch& batch,
                     const CurrencyRates& rates);
  std::string rates_app_id() const { return app_id() + "-currency-rates"; }

  SilverJobOptions options_;
  std::shared_ptr<delta::Table> bronze_, silver_, quarantine_, metrics_, rates_table_;
  DedupState dedup_;
  CurrencyRates rates_;  // the last version read from rates_table_
  OrderParser parser_;
};

}  // namespace medallion::transform
