// train_model, evaluate_model, promote_model, predict: the forecasting stage
// on gold/features_daily, through ml::TrainDemandModel, ml::EvaluateDemand,
// ml::Registry::Promote and ml::PredictDemand. train_model also trains the
// tick direction classifier (ml::TrainTickModel) on gold/tick_features when
// that table exists, on the same schedule.
//
// Before there is enough Gold history to backtest (TrainingSchedule), or
// before any model is registered, the model tasks succeed without doing
// anything and say so in their log: a lake's first days are not failures.
// A refused promotion is a success too (the champion stays; the reason,
// both WAPEs, is in the log).
#include <arrow/api.h>
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "medallion/delta/scan.h"
#include "medallion/delta/table.h"
#include "medallion/ingest/calendar.h"
#include "medallion/ml/evaluate_job.h"
#include "medallion/ml/predict_job.h"
#include "medallion/ml/registry.h"
#include "medallion/ml/tick_job.h"
#include "medallion/ml/train_job.h"
#include "medallion/orchestrate/daily_tasks.h"
#include "medallion/orchestrate/lake_layout.h"
#include "medallion/orchestrate/sensor.h"
#include "medallion/transform/gold_job.h"

namespace medallion::orchestrate {

namespace {

constexpr char kModelName[] = "demand";

// Days of gold/features_daily up to the logical date.
Result<int> GoldHistoryDays(const TaskContext& ctx) {
  auto table = delta::Table::Open(ResolveTableUri(ctx, kFeaturesDaily));
  if (table.status().IsNotFound()) return 0;
  if (!table.ok()) return table.status();
  auto snapshot = (*table)->snapshot();
  delta::ScanOptions scan;
  scan.columns = {"event_date"};
  MEDALLION_ASSIGN_OR_RETURN(
      scan.filter, delta::ParsePredicate(fmt::format("event_date <= '{}'", ctx.logical_date), *snapshot->schema()));
  std::set<std::string> days;
  MEDALLION_RETURN_IF_ERROR(delta::ScanBatches((*table)->store(), *snapshot, scan,
                                               [&](const std::shared_ptr<arrow::Table>& batch) -> Status {
                                                 for (const auto& chunk : batch->column(0)->chunks()) {
                                                   for (int64_t i = 0; i < chunk->length(); ++i) {
                                                     auto value = chunk->GetScalar(i);
                                                     if (value.ok()) days.insert((*value)->ToString());
                                                   }
                                                 }
                                                 return Status::OK();
                                               }));
  return static_cast<int>(days.size());
}

Result<bool> HasModel(const TaskContext& ctx) {
  MEDALLION_ASSIGN_OR_RETURN(auto registry, ml::Registry::Open(ctx.lake_root));
  MEDALLION_ASSIGN_OR_RETURN(auto versions, registry.List(kModelName));
  return !versions.empty();
}

// The classifier learns from the ticks in gold/tick_features before a time
// cutoff and scores the later ones into gold/tick_predictions (in_sample =
// false), so the accuracy the Markets page and /api/v1/ticks/{symbol} show
// is out of sample.
Status TrainTickClassifier(const TaskContext& ctx) {
  auto ticks = delta::Table::Open(ResolveTableUri(ctx, kTickFeatures));
  if (ticks.status().IsNotFound()) {
    ctx.log.Info("{} does not exist yet: no tick direction classifier", kTickFeatures);
    return Status::OK();
  }
  if (!ticks.ok()) return ticks.status();
  ml::TickTrainOptions options;
  options.lake_uri = ctx.lake_root;
  MEDALLION_ASSIGN_OR_RETURN(auto report, ml::TrainTickModel(options));
  ctx.log.Write(report.ToString());
  return Status::OK();
}

Status RunTrainModel(const TaskContext& ctx) {
  const TrainingSchedule schedule = CurrentTrainingSchedule();
  MEDALLION_ASSIGN_OR_RETURN(int32_t day, transform::ParseIsoDate(ctx.logical_date));
  const std::string state_key = "trained:" + ctx.logical_date;
  if (auto version = ctx.state.Get(state_key)) {
    ctx.log.Info("version {} was already trained for {}: not training again", *version, ctx.logical_date);
    return Status::OK();
  }
  MEDALLION_ASSIGN_OR_RETURN(int history, GoldHistoryDays(ctx));
  if (history < schedule.min_history_days) {
    ctx.log.Info("{} days of {} up to {}: training starts at {} days", history, kFeaturesDaily, ctx.logical_date,
                 schedule.min_history_days);
    return Status::OK();
  }
  MEDALLION_ASSIGN_OR_RETURN(bool has_model, HasModel(ctx));
  if (has_model && !IsTrainingDay(schedule, day)) {
    ctx.log.Info("not a training day (every {} days, counted from {}): the registered model keeps serving",
                 schedule.every_days, schedule.anchor_day);
    return Status::OK();
  }
  ml::TrainOptions options;
  options.lake_uri = ctx.lake_root;
  options.model_name = kModelName;
  options.as_of = ctx.logical_date;
  // The backtest scores origins whose series has kMinSeriesDays behind them
  // and J+7 actuals ahead: what is left for fold origins is `spare` days.
  // A young lake gets one shorter fold rather than none.
  const int spare = history - kBacktestOverheadDays;
  options.folds = std::clamp(spare / 7, 1, 5);
  options.fold_step = options.folds == 1 ? std::clamp(spare, 1, 7) : 7;
  if (schedule.boost_rounds > 0) {
    options.params = ml::DefaultDemandParams(options.kind);
    const double rounds = options.params.value("num_boost_round", 300);
    const double eta = options.params.value("eta", 0.05);
    options.params["num_boost_round"] = schedule.boost_rounds;
    options.params["eta"] = std::min(0.3, eta * rounds / schedule.boost_rounds);
  }
  MEDALLION_ASSIGN_OR_RETURN(auto report, ml::TrainDemandModel(options));
  ctx.log.Write(report.ToString());
  ctx.log.Info("registered {} version {} ({} series, {} training rows, {} folds, {:.1f} s)", report.model_name,
               report.version, report.series, report.training_rows, options.folds, report.seconds);
  if (day >= schedule.tick_model_from_day) {
    MEDALLION_RETURN_IF_ERROR(TrainTickClassifier(ctx));
  } else {
    ctx.log.Info("tick direction classifier: trains from {} on", ingest::FormatDate(schedule.tick_model_from_day));
  }
  return ctx.state.Put(state_key, std::to_string(report.version));
}

Status RunEvaluateModel(const TaskContext& ctx) {
  auto forecasts = delta::Table::Open(ResolveTableUri(ctx, kDemandForecast));
  if (forecasts.status().IsNotFound()) {
    ctx.log.Info("{} does not exist yet: nothing to evaluate", kDemandForecast);
    return Status::OK();
  }
  if (!forecasts.ok()) return forecasts.status();
  ml::EvaluateOptions options;
  options.lake_uri = ctx.lake_root;
  auto report = ml::EvaluateDemand(options);
  if (report.status().IsNotFound()) {
    ctx.log.Info("no forecast has actuals yet: {}", report.status().message());
    return Status::OK();
  }
  if (!report.ok()) return report.status();
  ctx.log.Write(report->ToString());
  return Status::OK();
}

Status RunPromoteModel(const TaskContext& ctx) {
  MEDALLION_ASSIGN_OR_RETURN(auto registry, ml::Registry::Open(ctx.lake_root));
  MEDALLION_ASSIGN_OR_RETURN(auto versions, registry.List(kModelName));
  if (versions.empty()) {
    ctx.log.Info("no {} model registered yet: nothing to promote", kModelName);
    return Status::OK();
  }
  MEDALLION_ASSIGN_OR_RETURN(auto decision, registry.Promote(kModelName, std::nullopt, ml::PromotionGate{}));
  ctx.log.Info("{} version {}: {} ({})", kModelName, decision.candidate.version,
               decision.promoted ? "promoted to champion" : "not promoted", decision.reason);
  return Status::OK();
}

Status RunPredict(const TaskContext& ctx) {
  MEDALLION_ASSIGN_OR_RETURN(bool has_model, HasModel(ctx));
  if (!has_model) {
    ctx.log.Info("no {} model registered yet: no forecasts for {}", kModelName, ctx.logical_date);
    return Status::OK();
  }
  ml::PredictOptions options;
  options.lake_uri = ctx.lake_root;
  options.model_name = kModelName;
  options.as_of = ctx.logical_date;
  MEDALLION_ASSIGN_OR_RETURN(auto report, ml::PredictDemand(options));
  ctx.log.Write(report.ToString());
  return Status::OK();
}

}  // namespace

void RegisterModelTasks(TaskRegistry& registry) {
  registry.Replace("train_model", [] {
    Task task = DailyTask("train_model", "train the demand model on gold/features_daily and register it (schedule: TrainingSchedule)",
                          RunTrainModel);
    task.timeout = std::chrono::hours(1);
    return task;
  });
  registry.Replace("evaluate_model", [] {
    return DailyTask("evaluate_model", "score past forecasts against actuals, seasonal naive and the oracle",
                     RunEvaluateModel);
  });
  registry.Replace("promote_model", [] {
    return DailyTask("promote_model", "promote the challenger when it beats the champion and seasonal naive",
                     RunPromoteModel);
  });
  registry.Replace("predict", [] {
    return DailyTask("predict", "J+1..J+7 forecasts of the champion to gold/demand_forecast", RunPredict);
  });
}

}  // namespace medallion::orchestrate
