#include "medallion/transform/silver_job.h"

#include <arrow/api.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <filesystem>

#include "medallion/common/arrow_status.h"
#include "medallion/delta/log_replay.h"
#include "medallion/delta/scan.h"
#include "medallion/ingest/bronze_schema.h"
#include "medallion/quality/validation_result.h"
#include "medallion/transform/silver_batch.h"
#include "medallion/transform/silver_schema.h"
#include "medallion/transform/table_open.h"

namespace medallion::transform {

namespace {

std::string StripTrailingSlash(std::string uri) {
  while (uri.size() > 1 && uri.back() == '/') uri.pop_back();
  return uri;
}

std::optional<int64_t> TxnOf(const delta::Table& table, const std::string& app_id) {
  return table.snapshot()->TxnVersion(app_id);
}

// "<lake>" of "<lake>/silver/<entity>".
std::string LakeOfSilverUri(const std::string& silver_uri) {
  const std::string silver = StripTrailingSlash(silver_uri);
  const size_t entity_slash = silver.rfind('/');
  const size_t layer_slash = entity_slash == std::string::npos || entity_slash == 0
                                 ? std::string::npos
                                 : silver.rfind('/', entity_slash - 1);
  return layer_slash == std::string::npos ? "." : silver.substr(0, layer_slash);
}

// A Silver table written by an older medallion lacks columns added since
// (total_amount_usd). Silver and Gold derive from Bronze, which keeps every
// record, so the way out is a rebuild, not a guess at the missing values.
// Gold goes too: its txns count Silver versions a rebuilt Silver would
// reach again only later.
Status CheckSilverSchema(const delta::Table& silver, const SilverJobOptions& options) {
  const auto& have = *silver.snapshot()->schema();
  for (const auto& field : SilverOrdersSchema()->fields()) {
    if (have.GetFieldIndex(field->name()) >= 0) continue;
    return Status::InvalidArgument(fmt::format(
        "{} has no column '{}' (it was written by an older medallion). Silver and Gold are rebuilt from Bronze: "
        "remove {}, {} and {}/gold, and run again; then retrain the forecast models (medallion train), whose "
        "avg_price feature is now in US dollars",
        silver.uri(), field->name(), options.silver_uri, options.quarantine_uri, LakeOfSilverUri(options.silver_uri)));
  }
  return Status::OK();
}

}  // namespace

std::string DefaultQuarantineUri(const std::string& silver_uri) { return StripTrailingSlash(silver_uri) + "_quarantine"; }

std::string DefaultMetricsUri(const std::string& silver_uri) { return LakeOfSilverUri(silver_uri) + "/gold/quality_metrics"; }

std::string DefaultCurrencyRatesUri(const std::string& silver_uri) {
  return LakeOfSilverUri(silver_uri) + "/silver/currency_rates";
}

SilverJob::SilverJob(SilverJobOptions options, std::shared_ptr<delta::Table> bronze,
                     std::shared_ptr<delta::Table> silver, std::shared_ptr<delta::Table> quarantine,
                     std::shared_ptr<delta::Table> metrics, DedupState dedup,
                     std::shared_ptr<delta::Table> rates_table, CurrencyRates rates)
    : options_(std::move(options)),
      bronze_(std::move(bronze)),
      silver_(std::move(silver)),
      quarantine_(std::move(quarantine)),
      metrics_(std::move(metrics)),
      rates_table_(std::move(rates_table)),
      dedup_(std::move(dedup)),
      rates_(std::move(rates)),
      parser_(options_.parser) {}

Result<std::unique_ptr<SilverJob>> SilverJob::Open(SilverJobOptions options) {
  if (options.bronze_uri.empty() || options.silver_uri.empty()) {
    return Status::InvalidArgument("silver job needs a Bronze and a Silver table");
  }
  if (options.max_versions_per_batch < 1) {
    return Status::InvalidArgument(fmt::format("max versions per batch must be >= 1, got {}", options.max_versions_per_batch));
  }
  if (options.quarantine_uri.empty()) options.quarantine_uri = DefaultQuarantineUri(options.silver_uri);
  if (options.metrics_uri.empty()) options.metrics_uri = DefaultMetricsUri(options.silver_uri);
  if (options.currency_rates_uri.empty()) options.currency_rates_uri = DefaultCurrencyRatesUri(options.silver_uri);
  auto bronze = delta::Table::Open(options.bronze_uri);
  if (!bronze.ok()) return bronze.status().WithContext("Bronze table");
  MEDALLION_ASSIGN_OR_RETURN(auto silver, OpenOrCreateTable(options.silver_uri, SilverOrdersSchema(), {kSilverPartitionColumn}));
  MEDALLION_RETURN_IF_ERROR(CheckSilverSchema(*silver, options));
  MEDALLION_ASSIGN_OR_RETURN(auto rates_table, CurrencyRates::OpenOrSeed(options.currency_rates_uri));
  MEDALLION_ASSIGN_OR_RETURN(auto rates, CurrencyRates::Read(*rates_table, *rates_table->snapshot()));
  MEDALLION_ASSIGN_OR_RETURN(auto quarantine, OpenOrCreateTable(options.quarantine_uri, QuarantineSchema(), {}));
  MEDALLION_ASSIGN_OR_RETURN(auto metrics, OpenOrCreateTable(options.metrics_uri, quality::QualityMetricsSchema(), {}));
  auto dedup = DedupState::LoadFromSilver(silver->store(), *silver->snapshot(), options.dedup_horizon_us);
  if (!dedup.ok()) return dedup.status().WithContext("rebuilding dedup state from " + silver->uri());
  spdlog::info("silver {}: resuming after Bronze version {}; dedup state {} ids", options.entity,
               TxnOf(*silver, "silver-" + options.entity).value_or(-1), dedup->size());
  return std::unique_ptr<SilverJob>(new SilverJob(std::move(options), std::move(*bronze), std::move(silver),
                                                  std::move(quarantine), std::move(metrics), std::move(*dedup),
                                                  std::move(rates_table), std::move(rates)));
}

Result<std::shared_ptr<arrow::Table>> SilverJob::ReadBronze(const delta::Snapshot& bronze, int64_t from_exclusive,
                                                            int64_t to_inclusive) {
  auto schema = bronze.schema()->AddField(bronze.schema()->num_fields(),
                                          arrow::field("bronze_version", arrow::int64(), false));
  if (!schema.ok()) return FromArrow(schema.status());
  std::vector<std::shared_ptr<arrow::Table>> parts;
  for (int64_t v = from_exclusive + 1; v <= to_inclusive; ++v) {
    auto actions = delta::ReadCommit(bronze_->store(), v);
    if (!actions.ok()) return actions.status().WithContext(fmt::format("Bronze {} version {}", bronze_->uri(), v));
    for (const auto& action : *actions) {
      const auto* add = std::get_if<delta::AddFile>(&action);
      // dataChange=false adds (OPTIMIZE) rewrite rows already consumed.
      if (add == nullptr || !add->data_change) continue;
      auto data = delta::ReadDataFile(bronze_->store(), bronze, *add);
      if (!data.ok()) {
        return data.status().WithContext(fmt::format("Bronze {} version {} file {}", bronze_->uri(), v, add->path));
      }
      auto version_column = arrow::MakeArrayFromScalar(arrow::Int64Scalar(v), (*data)->num_rows());
      if (!version_column.ok()) return FromArrow(version_column.status());
      auto with_version = (*data)->AddColumn((*data)->num_columns(), (*schema)->fields().back(),
                                             std::make_shared<arrow::ChunkedArray>(*version_column));
      if (!with_version.ok()) return FromArrow(with_version.status());
      parts.push_back(std::move(*with_version));
    }
  }
  if (parts.empty()) {
    MEDALLION_ASSIGN_OR_RETURN_ARROW(auto empty, arrow::Table::MakeEmpty(*schema));
    return empty;
  }
  MEDALLION_ASSIGN_OR_RETURN_ARROW(auto all, arrow::ConcatenateTables(parts));
  return all;
}

Result<const CurrencyRates*> SilverJob::RatesForBatch(int64_t end, bool redo) {
  std::optional<int64_t> recorded;
  if (redo) {
    for (const delta::Table* table : {quarantine_.get(), metrics_.get()}) {
      if (TxnOf(*table, app_id()) == end) recorded = TxnOf(*table, rates_app_id());
      if (recorded) break;
    }
  }
  std::shared_ptr<const delta::Snapshot> snapshot;
  if (recorded) {  // absent for a batch written before the rates were recorded
    if (*recorded == rates_.version()) return &rates_;
    auto at = rates_table_->SnapshotAt(*recorded);
    if (!at.ok()) {
      return at.status().WithContext(fmt::format("{} version {}, which the interrupted batch ending at Bronze version "
                                                 "{} converted with",
                                                 rates_table_->uri(), *recorded, end));
    }
    snapshot = std::move(*at);
  } else {
    auto latest = rates_table_->Refresh();
    if (!latest.ok()) return latest.status().WithContext(rates_table_->uri());
    snapshot = std::move(*latest);
    if (snapshot->version() == rates_.version()) return &rates_;
  }
  MEDALLION_ASSIGN_OR_RETURN(rates_, CurrencyRates::Read(*rates_table_, *snapshot));
  spdlog::info("silver {}: currency rates of {} version {}", options_.entity, rates_.source(), rates_.version());
  return &rates_;
}

Status SilverJob::CommitBatch(std::optional<int64_t> silver_txn, int64_t end, const SilverBatch& batch,
                              const CurrencyRates& rates) {
  const std::string app = app_id();
  auto txn_options = [&](std::optional<int64_t> expected) {
    delta::WriteOptions options;
    options.txns.push_back(delta::Txn{app, end, std::nullopt});
    options.expected_txns[app] = expected;
    return options;
  };
  // Steps 1-2 also record the rates they were computed with, for a re-run.
  auto with_rates = [&](delta::WriteOptions options) {
    options.txns.push_back(delta::Txn{rates_app_id(), rates.version(), std::nullopt});
    return options;
  };
  // 1. Quarantine, unless a run that crashed before step 3 already wrote it.
  const auto quarantine_txn = TxnOf(*quarantine_, app);
  if (batch.quarantine->num_rows() > 0 && quarantine_txn.value_or(-1) < end) {
    auto written = quarantine_->Append(batch.quarantine, with_rates(txn_options(quarantine_txn)));
    if (!written.ok()) return written.status().WithContext("quarantine " + quarantine_->uri());
  }
  // 2. Quality metrics, likewise.
  const auto metrics_txn = TxnOf(*metrics_, app);
  if (metrics_txn.value_or(-1) < end) {
    MEDALLION_ASSIGN_OR_RETURN(auto rows, quality::ToQualityMetricsTable(batch.validation));
    auto written = metrics_->Append(rows, with_rates(txn_options(metrics_txn)));
    if (!written.ok()) return written.status().WithContext("quality metrics " + metrics_->uri());
  }
  // 3. Silver and its txn: the batch is done once this commit exists.
  auto written = silver_->Append(batch.silver, txn_options(silver_txn));
  if (!written.ok()) return written.status().WithContext("Silver " + silver_->uri());
  return Status::OK();
}

Result<bool> SilverJob::RunBatch(SilverRunStats* stats) {
  const std::string app = app_id();
  const std::optional<int64_t> silver_txn = TxnOf(*silver_, app);
  const int64_t start = silver_txn.value_or(-1);
  MEDALLION_ASSIGN_OR_RETURN(auto bronze, bronze_->Refresh());
  const int64_t latest = bronze->version();
  if (latest <= start) return false;

  int64_t end = std::min(latest, start + options_.max_versions_per_batch);
  // A previous run wrote steps 1-2 of a batch but died before Silver: redo
  // exactly that batch (see the header).
  const int64_t ahead = std::max(TxnOf(*quarantine_, app).value_or(-1), TxnOf(*metrics_, app).value_or(-1));
  if (ahead > start) {
    if (ahead > latest) {
      return Status::Corruption(fmt::format("{} txn {} on the quarantine/metrics tables is ahead of Bronze version {}",
                                            app, ahead, latest));
    }
    end = ahead;
  }

  MEDALLION_ASSIGN_OR_RETURN(const CurrencyRates* rates, RatesForBatch(end, /*redo=*/ahead > start));
  MEDALLION_ASSIGN_OR_RETURN(auto rows, ReadBronze(*bronze, start, end));
  quality::ValidateOptions validate;
  validate.run_id = fmt::format("{}-{}", app, end);
  auto batch = TransformBronze(rows, options_.suite, parser_, dedup_, *rates, validate);
  if (!batch.ok()) {
    dedup_.Abort();
    return batch.status().WithContext(fmt::format("Bronze versions {}..{}", start + 1, end));
  }
  if (Status st = CommitBatch(silver_txn, end, *batch, *rates); !st.ok()) {
    dedup_.Abort();
    return st;
  }
  dedup_.Commit();
  stats->batches++;
  stats->bronze_rows += batch->input_rows;
  stats->silver_rows += batch->silver->num_rows();
  stats->quarantined += batch->quarantine->num_rows();
  stats->dropped += batch->dropped;
  stats->duplicates += batch->duplicates;
  stats->bronze_version = end;
  spdlog::info("silver {}: Bronze versions {}..{}: {} rows -> {} Silver, {} quarantined ({} duplicates), {} dropped",
               options_.entity, start + 1, end, batch->input_rows, batch->silver->num_rows(),
               batch->quarantine->num_rows(), batch->duplicates, batch->dropped);
  return true;
}

Result<SilverRunStats> SilverJob::CatchUp() {
  SilverRunStats stats;
  stats.bronze_version = TxnOf(*silver_, app_id()).value_or(-1);
  while (true) {
    MEDALLION_ASSIGN_OR_RETURN(bool did, RunBatch(&stats));
    if (!did) return stats;
  }
}

}  // namespace medallion::transform
