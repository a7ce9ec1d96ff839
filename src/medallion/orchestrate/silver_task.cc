// bronze_to_silver: the incremental Silver jobs of orders and ticks, run to
// catch up. Silver's txn (appId silver-<entity>) says which Bronze versions
// it consumed, so a retry or a re-run for the same date consumes only what is
// still pending, and a run with nothing pending commits nothing. Ticks are
// optional (a lake fed by orders only has no bronze/ticks).
#include <fmt/format.h>

#include <utility>

#include "medallion/delta/table.h"
#include "medallion/orchestrate/daily_tasks.h"
#include "medallion/orchestrate/lake_layout.h"
#include "medallion/orchestrate/sensor.h"
#include "medallion/quality/suite_parser.h"
#include "medallion/transform/silver_job.h"
#include "medallion/transform/ticks_silver.h"

namespace medallion::orchestrate {

namespace {

Status TicksToSilver(const TaskContext& ctx) {
  auto job = transform::TicksSilverJob::Open(ResolveTableUri(ctx, kBronzeTicks), ResolveTableUri(ctx, kSilverTicks));
  if (job.status().IsNotFound()) {
    ctx.log.Info("{} does not exist: no ticks to refine", kBronzeTicks);
    return Status::OK();
  }
  if (!job.ok()) return job.status();
  transform::TicksSilverStats stats;
  while (true) {
    MEDALLION_RETURN_IF_ERROR(ctx.cancel.Check());
    MEDALLION_ASSIGN_OR_RETURN(bool did, (*job)->RunBatch(&stats));
    if (!did) break;
  }
  ctx.log.Info("silver ticks: {} batches, Bronze up to version {}: {} rows -> {} Silver, {} quarantined",
               stats.batches, stats.bronze_version, stats.bronze_rows, stats.silver_rows, stats.quarantined);
  return Status::OK();
}

Status RunBronzeToSilver(const TaskContext& ctx) {
  MEDALLION_ASSIGN_OR_RETURN(std::string suite_path, FindQualitySuite("orders"));
  transform::SilverJobOptions options;
  options.entity = "orders";
  options.bronze_uri = ResolveTableUri(ctx, kBronzeOrders);
  options.silver_uri = ResolveTableUri(ctx, kSilverOrders);
  options.metrics_uri = ResolveTableUri(ctx, kQualityMetrics);
  MEDALLION_ASSIGN_OR_RETURN(options.suite, quality::LoadSuiteFile(suite_path));
  MEDALLION_ASSIGN_OR_RETURN(auto job, transform::SilverJob::Open(std::move(options)));
  transform::SilverRunStats stats;
  while (true) {
    MEDALLION_RETURN_IF_ERROR(ctx.cancel.Check());
    MEDALLION_ASSIGN_OR_RETURN(bool did, job->RunBatch(&stats));
    if (!did) break;
  }
  ctx.log.Info("silver orders: {} batches, Bronze up to version {}: {} rows -> {} Silver, {} quarantined, {} duplicates",
               stats.batches, stats.bronze_version, stats.bronze_rows, stats.silver_rows, stats.quarantined,
               stats.duplicates);
  return TicksToSilver(ctx);
}

// Bronze's version (-1: no table) and Silver's txn for `entity` (-1: none).
Result<std::pair<int64_t, int64_t>> Progress(const TaskContext& ctx, const char* bronze, const char* silver,
                                             const std::string& app_id) {
  auto b = delta::Table::Open(ResolveTableUri(ctx, bronze));
  if (b.status().IsNotFound()) return std::pair<int64_t, int64_t>{-1, -1};
  if (!b.ok()) return b.status();
  auto s = delta::Table::Open(ResolveTableUri(ctx, silver));
  if (s.status().IsNotFound()) return std::pair<int64_t, int64_t>{(*b)->snapshot()->version(), -1};
  if (!s.ok()) return s.status();
  return std::pair<int64_t, int64_t>{(*b)->snapshot()->version(), (*s)->snapshot()->TxnVersion(app_id).value_or(-1)};
}

}  // namespace

Task MakeAwaitStreamedSilverTask() {
  // The target is Bronze as the try starts: later commits belong to later days.
  TaskFn run = [](const TaskContext& ctx) -> Status {
    MEDALLION_ASSIGN_OR_RETURN(auto orders, Progress(ctx, kBronzeOrders, kSilverOrders, "silver-orders"));
    MEDALLION_ASSIGN_OR_RETURN(auto ticks, Progress(ctx, kBronzeTicks, kSilverTicks, transform::TicksSilverJob::kAppId));
    const int64_t orders_target = orders.first, ticks_target = ticks.first;
    PokeFn caught_up = [orders_target, ticks_target](const TaskContext& ctx) -> Result<bool> {
      MEDALLION_ASSIGN_OR_RETURN(auto o, Progress(ctx, kBronzeOrders, kSilverOrders, "silver-orders"));
      MEDALLION_ASSIGN_OR_RETURN(auto t, Progress(ctx, kBronzeTicks, kSilverTicks, transform::TicksSilverJob::kAppId));
      if (o.second < orders_target || t.second < ticks_target) return false;
      ctx.log.Info("Silver is streamed up to Bronze: orders txn {} >= {}, ticks txn {} >= {}", o.second, orders_target,
                   t.second, ticks_target);
      return true;
    };
    SensorOptions options;
    options.poke_interval = std::chrono::milliseconds(500);
    options.timeout = std::chrono::minutes(5);
    return MakeSensor("Silver streamed up to Bronze", std::move(caught_up), options)(ctx);
  };
  return DailyTask("bronze_to_silver", "wait for the streaming job to bring Silver up to Bronze's versions", run);
}

Task MakeBronzeToSilverTask() {
  return DailyTask("bronze_to_silver", "Silver jobs on the pending Bronze versions of bronze/orders and bronze/ticks (txn silver-<entity>)",
                   RunBronzeToSilver);
}

}  // namespace medallion::orchestrate
