#include "medallion/orchestrate/dag_catalog.h"

#include <fmt/format.h>

#include "medallion/orchestrate/daily_tasks.h"
#include "medallion/orchestrate/demo_tasks.h"

namespace medallion::orchestrate {

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
  RegisterDailyTasks(registry);
  RegisterDemoTasks(registry);
}

}  // namespace medallion::orchestrate
