#include "medallion/orchestrate/daily_tasks.h"

#include <mutex>

namespace medallion::orchestrate {

namespace {

std::mutex g_schedule_mu;
TrainingSchedule g_schedule;

}  // namespace

void SetTrainingSchedule(const TrainingSchedule& schedule) {
  std::lock_guard<std::mutex> lock(g_schedule_mu);
  g_schedule = schedule;
}

TrainingSchedule CurrentTrainingSchedule() {
  std::lock_guard<std::mutex> lock(g_schedule_mu);
  return g_schedule;
}

bool IsTrainingDay(const TrainingSchedule& schedule, int32_t day) {
  if (schedule.every_days <= 1) return true;
  const int64_t behind = int64_t{schedule.anchor_day} - day;
  const int64_t every = schedule.every_days;
  return ((behind % every) + every) % every == 0;
}

Task DailyTask(std::string name, std::string description, TaskFn run) {
  Task task;
  task.name = std::move(name);
  task.description = std::move(description);
  task.run = std::move(run);
  // Transient failures (a lost commit race, a slow disk) clear on a retry;
  // the short first delay keeps backfills and the demo's clock moving.
  task.retry.retries = 2;
  task.retry.initial_delay = std::chrono::seconds(2);
  task.timeout = std::chrono::minutes(30);
  return task;
}

void RegisterDailyTasks(TaskRegistry& registry) {
  registry.Replace("bronze_to_silver", [] { return MakeBronzeToSilverTask(); });
  registry.Replace("validate_data_quality", [] { return MakeValidateDataQualityTask(); });
  registry.Replace("build_gold_features", [] { return MakeBuildGoldFeaturesTask(); });
  RegisterModelTasks(registry);
  registry.Replace("api_smoke_test", [] { return MakeApiSmokeTestTask(); });
}

}  // namespace medallion::orchestrate
