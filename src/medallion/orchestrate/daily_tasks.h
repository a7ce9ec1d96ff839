// The `daily` DAG's real tasks (dag_catalog.h lists their order):
//
//   bronze_to_silver       Silver job catch-up on bronze/orders (silver_task.cc)
//   validate_data_quality  the orders suite on the date's Silver rows (quality_task.cc)
//   build_gold_features    Gold recompute of the date (gold_task.cc)
//   train_model .. predict forecasting, registry and predictions (model_tasks.cc)
//   api_smoke_test         the API in-process on a loopback port (api_smoke_task.cc)
//
// Every task is idempotent per logical date (task.h): Silver advances by txn,
// quality metrics are recorded once per date, Gold replaces the date's
// partitions, the registry keeps one version per training date.
#pragma once

#include <cstdint>
#include <limits>
#include <string>

#include "medallion/orchestrate/task.h"
#include "medallion/orchestrate/task_registry.h"

namespace medallion::orchestrate {

Task MakeBronzeToSilverTask();
// bronze_to_silver for a lake whose Silver a streaming job keeps (the
// demo's live phase): a sensor that waits until Silver's txn covers the
// Bronze versions there were when it started, instead of a second writer
// racing the stream for the same txn.
Task MakeAwaitStreamedSilverTask();
Task MakeValidateDataQualityTask();
Task MakeBuildGoldFeaturesTask();
// build_gold_features for a backfill whose Silver already holds every date up
// to `last_day`: the first date builds Gold through `last_day` in one pass
// (the same rows the per-date job writes), later dates find it done. Dates
// after `last_day` build their own date, as MakeBuildGoldFeaturesTask.
Task MakeBuildGoldFeaturesThroughTask(int32_t last_day);
Task MakeApiSmokeTestTask();
// Registers train_model, evaluate_model, promote_model and predict.
void RegisterModelTasks(TaskRegistry& registry);

// Registers every task above under its name.
void RegisterDailyTasks(TaskRegistry& registry);

// Days of Gold the demand backtest needs besides its fold origins: 28 days
// of series before an origin (ml::FeatureSpec::min_history), the J+7 horizon
// before the first origin's features are complete, and J+7 actuals after the
// last origin.
inline constexpr int kBacktestOverheadDays = 28 + 7 + 7;

// When train_model trains; on other days it succeeds without training and the
// champion keeps serving. Training is the slow step: the demo's 90-day
// backfill trains weekly, counted back from its last date, so that date
// trains too. Days with fewer than `min_history_days` of Gold are skipped
// (the backtest needs lags and folds: see kBacktestOverheadDays).
struct TrainingSchedule {
  int every_days = 1;
  int32_t anchor_day = 0;  // trains on days d with (anchor_day - d) % every_days == 0
  int min_history_days = kBacktestOverheadDays + 1;
  // XGBoost rounds (0: ml::DefaultDemandParams' 300). Fewer rounds with a
  // proportionally larger learning rate train a demo's lake in a fraction of
  // the time.
  int boost_rounds = 0;
  // The tick direction classifier trains on training days from this day on.
  // Its data, gold/tick_features, is complete as soon as a backfill's
  // Silver is: the demo trains it once, on its last history day, not weekly
  // on the same ticks.
  int32_t tick_model_from_day = std::numeric_limits<int32_t>::min();
};
void SetTrainingSchedule(const TrainingSchedule& schedule);
TrainingSchedule CurrentTrainingSchedule();
bool IsTrainingDay(const TrainingSchedule& schedule, int32_t day);

// The retry and timeout defaults the daily tasks share.
Task DailyTask(std::string name, std::string description, TaskFn run);

}  // namespace medallion::orchestrate
