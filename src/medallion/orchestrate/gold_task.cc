// build_gold_features: every Gold table recomputed for the logical date from
// Silver orders (features_daily among them: its lags and rolling windows look
// back over all Silver history up to the date). The Gold job replaces the
// date's partitions, so a retry or a re-run leaves exactly one copy of the
// date's rows. gold/tick_features follows silver/ticks incrementally (the
// dates its new Silver commits touched, txn gold-tick_features), when the
// lake has ticks.
#include "medallion/orchestrate/daily_tasks.h"
#include "medallion/orchestrate/lake_layout.h"
#include "medallion/orchestrate/sensor.h"
#include "medallion/delta/table.h"
#include "medallion/transform/gold_job.h"
#include "medallion/transform/ticks_gold.h"

namespace medallion::orchestrate {

namespace {

Status RunBuildGoldFeatures(const TaskContext& ctx) {
  transform::GoldJobOptions options;
  options.silver_uri = ResolveTableUri(ctx, kSilverOrders);
  options.lake_uri = ctx.lake_root;
  MEDALLION_ASSIGN_OR_RETURN(int32_t day, transform::ParseIsoDate(ctx.logical_date));
  options.from = day;
  options.to = day;
  MEDALLION_RETURN_IF_ERROR(ctx.cancel.Check());
  MEDALLION_ASSIGN_OR_RETURN(auto report, transform::RunGoldJob(options));
  ctx.log.Info("gold for {} from {} Silver rows", ctx.logical_date, report.silver_rows);
  for (const auto& t : report.tables) ctx.log.Info("  gold/{}: {} rows, version {}", t.table, t.rows, t.version);
  auto ticks = delta::Table::Open(ResolveTableUri(ctx, kSilverTicks));
  if (ticks.status().IsNotFound()) return Status::OK();
  if (!ticks.ok()) return ticks.status();
  MEDALLION_ASSIGN_OR_RETURN(auto written, transform::UpdateTickFeatures(**ticks, ctx.lake_root));
  ctx.log.Info("  gold/tick_features: {} rows, version {}", written.rows, written.version);
  return Status::OK();
}

}  // namespace

Task MakeBuildGoldFeaturesTask() {
  return DailyTask("build_gold_features", "Gold tables (incl. gold/features_daily) recomputed for the date; its partitions replaced",
                   RunBuildGoldFeatures);
}

}  // namespace medallion::orchestrate
