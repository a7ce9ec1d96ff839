// build_gold_features: every Gold table recomputed for the logical date from
// Silver orders (features_daily among them: its lags and rolling windows look
// back over all Silver history up to the date). The Gold job replaces the
// date's partitions, so a retry or a re-run leaves exactly one copy of the
// date's rows. gold/tick_features follows silver/ticks incrementally (the
// dates its new Silver commits touched, txn gold-tick_features), when the
// lake has ticks.
//
// A backfill over a history whose Silver is complete (the demo's) may build
// Gold for every remaining date of the range in one pass instead
// (MakeBuildGoldFeaturesThroughTask): each date's Gold depends only on Silver
// up to that date, so the rows are the same and Silver is scanned once, not
// once per date. The dates the pass covered then pass over the job, as long
// as Silver has not moved since. The pass starts once every product has been
// seen (EveryProductSeenBy); the dates before build their own Gold.
#include "medallion/orchestrate/daily_tasks.h"

#include <arrow/api.h>
#include <fmt/format.h>

#include <cinttypes>
#include <cstdio>
#include <limits>
#include <map>

#include "medallion/ingest/calendar.h"
#include "medallion/orchestrate/lake_layout.h"
#include "medallion/orchestrate/sensor.h"
#include "medallion/delta/predicate.h"
#include "medallion/delta/scan.h"
#include "medallion/delta/table.h"
#include "medallion/transform/silver_schema.h"
#include "medallion/transform/gold_job.h"
#include "medallion/transform/ticks_gold.h"

namespace medallion::orchestrate {

namespace {

// gold/tick_features: the dates new silver/ticks commits touched (when the lake has ticks).
Status RefreshTickFeatures(const TaskContext& ctx) {
  auto ticks = delta::Table::Open(ResolveTableUri(ctx, kSilverTicks));
  if (ticks.status().IsNotFound()) return Status::OK();
  if (!ticks.ok()) return ticks.status();
  MEDALLION_ASSIGN_OR_RETURN(auto written, transform::UpdateTickFeatures(**ticks, ctx.lake_root));
  ctx.log.Info("  gold/tick_features: {} rows, version {}", written.rows, written.version);
  return Status::OK();
}

// Gold for the event dates [from, to], then gold/tick_features.
Status BuildGold(const TaskContext& ctx, int32_t from, int32_t to) {
  transform::GoldJobOptions options;
  options.silver_uri = ResolveTableUri(ctx, kSilverOrders);
  options.lake_uri = ctx.lake_root;
  options.from = from;
  options.to = to;
  MEDALLION_RETURN_IF_ERROR(ctx.cancel.Check());
  MEDALLION_ASSIGN_OR_RETURN(auto report, transform::RunGoldJob(options));
  ctx.log.Info("gold for {} .. {} from {} Silver rows", ingest::FormatDate(from), ingest::FormatDate(to),
               report.silver_rows);
  for (const auto& t : report.tables) ctx.log.Info("  gold/{}: {} rows, version {}", t.table, t.rows, t.version);
  return RefreshTickFeatures(ctx);
}

Status RunBuildGoldFeatures(const TaskContext& ctx) {
  MEDALLION_ASSIGN_OR_RETURN(int32_t day, transform::ParseIsoDate(ctx.logical_date));
  return BuildGold(ctx, day, day);
}

Result<int64_t> SilverVersion(const TaskContext& ctx) {
  MEDALLION_ASSIGN_OR_RETURN(auto silver, delta::Table::Open(ResolveTableUri(ctx, kSilverOrders)));
  return silver->snapshot()->version();
}

// The first day by which every product Silver holds up to `last_day` has
// been seen. features_daily has a row per product known on its date: before
// this day a pass through `last_day` would know products a per-date run
// does not know yet (zero rows from hindsight), from this day on both know
// the same products.
Result<int32_t> EveryProductSeenBy(const TaskContext& ctx, int32_t last_day) {
  MEDALLION_ASSIGN_OR_RETURN(auto silver, delta::Table::Open(ResolveTableUri(ctx, kSilverOrders)));
  auto snapshot = silver->snapshot();
  delta::ScanOptions scan;
  scan.columns = {"product_id", transform::kSilverPartitionColumn};
  MEDALLION_ASSIGN_OR_RETURN(scan.filter,
                             delta::ParsePredicate(fmt::format("{} <= '{}'", transform::kSilverPartitionColumn,
                                                               ingest::FormatDate(last_day)),
                                                   *snapshot->schema()));
  std::map<std::string, int32_t> first_seen;
  MEDALLION_RETURN_IF_ERROR(delta::ScanBatches(
      silver->store(), *snapshot, scan, [&](const std::shared_ptr<arrow::Table>& batch) -> Status {
        auto products = batch->GetColumnByName("product_id");
        auto dates = batch->GetColumnByName(transform::kSilverPartitionColumn);
        if (products == nullptr || dates == nullptr) {
          return Status::Corruption(fmt::format("{}: no product_id or {} column", kSilverOrders,
                                                transform::kSilverPartitionColumn));
        }
        for (int64_t i = 0; i < batch->num_rows(); ++i) {
          auto product = products->GetScalar(i);
          auto date = dates->GetScalar(i);
          if (!product.ok() || !date.ok() || !(*product)->is_valid || !(*date)->is_valid) continue;
          MEDALLION_ASSIGN_OR_RETURN(int32_t day, transform::ParseIsoDate((*date)->ToString()));
          auto [it, inserted] = first_seen.emplace((*product)->ToString(), day);
          if (!inserted) it->second = std::min(it->second, day);
        }
        return Status::OK();
      }));
  int32_t all_seen = std::numeric_limits<int32_t>::min();
  for (const auto& [product, day] : first_seen) all_seen = std::max(all_seen, day);
  return all_seen;
}

// State "built-through": "<last day> <Silver version>" of the last bulk pass.
constexpr char kBuiltThroughKey[] = "built-through";

Status RunBuildGoldFeaturesThrough(const TaskContext& ctx, int32_t last_day) {
  MEDALLION_ASSIGN_OR_RETURN(int32_t day, transform::ParseIsoDate(ctx.logical_date));
  if (day > last_day) return BuildGold(ctx, day, day);
  MEDALLION_ASSIGN_OR_RETURN(int64_t silver_version, SilverVersion(ctx));
  if (auto built = ctx.state.Get(kBuiltThroughKey)) {
    int32_t through = 0;
    int64_t version = -1;
    if (std::sscanf(built->c_str(), "%d %" SCNd64, &through, &version) == 2 && through >= day &&
        version == silver_version) {
      ctx.log.Info("gold for {} was built by the pass through {} on Silver version {}: nothing to do",
                   ctx.logical_date, ingest::FormatDate(through), version);
      return RefreshTickFeatures(ctx);
    }
  }
  MEDALLION_ASSIGN_OR_RETURN(int32_t all_seen, EveryProductSeenBy(ctx, last_day));
  if (day < all_seen) {
    ctx.log.Info("not every product has been seen by {} (by {}): this date's Gold alone", ctx.logical_date,
                 ingest::FormatDate(all_seen));
    return BuildGold(ctx, day, day);
  }
  MEDALLION_RETURN_IF_ERROR(BuildGold(ctx, day, last_day));
  return ctx.state.Put(kBuiltThroughKey, fmt::format("{} {}", last_day, silver_version));
}

}  // namespace

Task MakeBuildGoldFeaturesThroughTask(int32_t last_day) {
  return DailyTask("build_gold_features",
                   "Gold tables (incl. gold/features_daily) for the date and every later date of the backfill, in one pass",
                   [last_day](const TaskContext& ctx) { return RunBuildGoldFeaturesThrough(ctx, last_day); });
}

Task MakeBuildGoldFeaturesTask() {
  return DailyTask("build_gold_features", "Gold tables (incl. gold/features_daily) recomputed for the date; its partitions replaced",
                   RunBuildGoldFeatures);
}

}  // namespace medallion::orchestrate
