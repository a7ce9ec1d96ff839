#include "medallion/orchestrate/dag_catalog.h"

#include <fmt/format.h>

#include "medallion/orchestrate/demo_tasks.h"

namespace medallion::orchestrate {

namespace {

struct PendingStage {
  const char* task;
  const char* what;
  int issue;
};

// Daily tasks whose implementation lands with the named issue. When a stage
// exists, register its real task in RegisterBuiltinTasks and drop it here.
constexpr PendingStage kPendingStages[] = {
    {"bronze_to_silver", "type, deduplicate and quarantine new Bronze rows into Silver", 5},
    {"validate_data_quality", "run the expectation suites on the new Silver data", 5},
    {"build_gold_features", "daily Gold aggregates and forecasting features", 5},
    {"train_model", "train the forecasting models on Gold features", 6},
    {"evaluate_model", "rolling-origin backtest of the candidate against the champion", 6},
    {"promote_model", "promote the candidate to champion when it wins", 6},
    {"predict", "write J+1..J+7 forecasts to gold/demand_forecast", 6},
    {"api_smoke_test", "check the API serves the new forecasts", 7},
};

Task PendingTask(const PendingStage& stage) {
  Task task;
  task.name = stage.task;
  task.description = stage.what;
  task.retry.retries = 2;
  task.retry.initial_delay = std::chrono::seconds(30);
  task.timeout = std::chrono::hours(1);
  std::string message = fmt::format("not implemented yet: {} (issue {})", stage.task, stage.issue);
  task.run = [message](const TaskContext& ctx) -> Status {
    ctx.log.Write(message);
    return Status::NotImplemented(message);
  };
  return task;
}

}  // namespace

const std::vector<DagSpec>& BuiltinDags() {
  static const std::vector<DagSpec> dags = {
      {"daily",
       "the daily batch: Silver, quality, Gold features, train, evaluate, promote, predict, smoke-test the API",
       {{"bronze_to_silver", {}},
        {"validate_data_quality", {"bronze_to_silver"}},
        {"build_gold_features", {"validate_data_quality"}},
        {"train_model", {"build_gold_features"}},
        {"evaluate_model", {"train_model"}},
        {"promote_model", {"evaluate_model"}},
        {"predict", {"promote_model"}},
        {"api_smoke_test", {"predict"}}}},
      {"demo",
       "small real tasks on <lake>/demo/ tables: ingest a day, wait for the Bronze commit, aggregate, check",
       {{"demo_ingest", {}},
        {"demo_wait_bronze", {"demo_ingest"}},
        {"demo_silver", {"demo_wait_bronze"}},
        {"demo_check", {"demo_silver"}}}},
  };
  return dags;
}

Result<DagSpec> FindDag(const std::string& name) {
  std::vector<std::string> names;
  for (const auto& spec : BuiltinDags()) {
    if (spec.name == name) return spec;
    names.push_back(spec.name);
  }
  return Status::NotFound(fmt::format("no dag named '{}' (known: {})", name, fmt::join(names, ", ")));
}

Result<DagSpec> FindDagWithTask(const std::string& task) {
  for (const auto& spec : BuiltinDags()) {
    for (const auto& [name, upstream] : spec.tasks) {
      if (name == task) return spec;
    }
  }
  return Status::NotFound(fmt::format("no dag has a task named '{}'", task));
}

Result<Dag> BuildDag(const DagSpec& spec, const TaskRegistry& registry) {
  Dag dag(spec.name, spec.description);
  for (const auto& [name, upstream] : spec.tasks) {
    MEDALLION_ASSIGN_OR_RETURN(Task task, registry.Create(name));
    MEDALLION_RETURN_IF_ERROR(dag.AddTask(std::move(task), upstream));
  }
  MEDALLION_RETURN_IF_ERROR(dag.Validate());
  return dag;
}

void RegisterBuiltinTasks(TaskRegistry& registry) {
  for (const auto& stage : kPendingStages) {
    registry.Replace(stage.task, [stage] { return PendingTask(stage); });
  }
  RegisterDemoTasks(registry);
}

}  // namespace medallion::orchestrate
