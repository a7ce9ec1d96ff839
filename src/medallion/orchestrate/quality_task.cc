// validate_data_quality: the orders suite on the logical date's Silver rows,
// as a whole day (the Silver job validated each batch as it came; a day can
// break a table-level expectation no single batch breaks). An unsuccessful
// expectation whose action is `fail` fails the task, so nothing downstream
// builds Gold or trains on a bad day. The results are appended to
// gold/quality_metrics once per date: the commit records txn
// daily-quality-<date>, and a re-run that finds it validates again but writes
// nothing.
#include <arrow/api.h>
#include <fmt/format.h>

#include <vector>

#include "medallion/delta/scan.h"
#include "medallion/delta/table.h"
#include "medallion/orchestrate/daily_tasks.h"
#include "medallion/orchestrate/lake_layout.h"
#include "medallion/orchestrate/sensor.h"
#include "medallion/quality/suite_parser.h"
#include "medallion/quality/validator.h"
#include "medallion/transform/silver_schema.h"

namespace medallion::orchestrate {

namespace {

Result<std::shared_ptr<arrow::Table>> ReadSilverDay(const TaskContext& ctx) {
  MEDALLION_ASSIGN_OR_RETURN(auto silver, delta::Table::Open(ResolveTableUri(ctx, kSilverOrders)));
  auto snapshot = silver->snapshot();
  delta::ScanOptions scan;
  MEDALLION_ASSIGN_OR_RETURN(
      scan.filter, delta::ParsePredicate(fmt::format("{} = '{}'", transform::kSilverPartitionColumn, ctx.logical_date),
                                         *snapshot->schema()));
  return delta::ScanToTable(silver->store(), *snapshot, scan);
}

Status AppendMetricsOnce(const TaskContext& ctx, const quality::ValidationResult& result) {
  MEDALLION_ASSIGN_OR_RETURN(auto store, storage::OpenObjectStore(ResolveTableUri(ctx, kQualityMetrics)));
  delta::CreateOptions create;
  create.schema = quality::QualityMetricsSchema();
  MEDALLION_ASSIGN_OR_RETURN(auto metrics, delta::Table::OpenOrCreate(store, create));
  const std::string app_id = "daily-quality-" + ctx.logical_date;
  if (metrics->snapshot()->TxnVersion(app_id)) {
    ctx.log.Info("{} already holds this date's results (txn {}): nothing appended", metrics->uri(), app_id);
    return Status::OK();
  }
  MEDALLION_ASSIGN_OR_RETURN(auto rows, quality::ToQualityMetricsTable(result));
  delta::WriteOptions write;
  write.txns.push_back(delta::Txn{app_id, 0, std::nullopt});
  // A concurrent run of the same date that got there first wins; ours writes nothing.
  write.expected_txns[app_id] = std::nullopt;
  auto written = metrics->Append(rows, write);
  if (!written.ok() && written.status().IsConflict()) {
    ctx.log.Info("{}: another run recorded {} first", metrics->uri(), app_id);
    return Status::OK();
  }
  if (!written.ok()) return written.status().WithContext(metrics->uri());
  ctx.log.Info("appended {} results to {} at version {}", written->num_rows, metrics->uri(), written->version);
  return Status::OK();
}

Status RunValidateDataQuality(const TaskContext& ctx) {
  MEDALLION_ASSIGN_OR_RETURN(std::string suite_path, FindQualitySuite("orders"));
  MEDALLION_ASSIGN_OR_RETURN(auto suite, quality::LoadSuiteFile(suite_path));
  MEDALLION_ASSIGN_OR_RETURN(auto day, ReadSilverDay(ctx));
  if (day->num_rows() == 0) ctx.log.Info("warning: {} has no rows for {}", kSilverOrders, ctx.logical_date);
  quality::ValidateOptions options;
  options.run_id = fmt::format("daily-{}", ctx.logical_date);
  MEDALLION_ASSIGN_OR_RETURN(auto result, quality::Validate(suite, *day, options));
  std::vector<std::string> failed;
  for (const auto& r : result.results) {
    if (r.success) continue;
    const std::string what = fmt::format("{}{} [{}]", r.expectation.Describe(),
                                         r.expectation.column ? " on " + *r.expectation.column : "",
                                         quality::ActionName(r.expectation.action));
    ctx.log.Info("unsuccessful: {}{}", what, r.exception_message ? ": " + *r.exception_message : "");
    if (r.expectation.action == quality::Action::kFail) failed.push_back(what);
  }
  ctx.log.Info("suite {} on {} rows of {}: {}/{} expectations met", suite.name, day->num_rows(), ctx.logical_date,
               result.statistics.successful_expectations, result.statistics.evaluated_expectations);
  MEDALLION_RETURN_IF_ERROR(AppendMetricsOnce(ctx, result));
  if (!failed.empty()) {
    return Status::InvalidArgument(fmt::format("{} on {}: fail-level expectations not met: {}", kSilverOrders,
                                        ctx.logical_date, fmt::join(failed, "; ")));
  }
  return Status::OK();
}

}  // namespace

Task MakeValidateDataQualityTask() {
  return DailyTask("validate_data_quality", "the orders suite on the date's Silver rows; fail-level expectations fail the task",
                   RunValidateDataQuality);
}

}  // namespace medallion::orchestrate
