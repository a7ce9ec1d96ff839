// The DAGs medallion knows by name, as data (task names and edges), built
// into runnable Dags against a TaskRegistry.
//
//   daily  bronze_to_silver -> validate_data_quality -> build_gold_features ->
//          train_model -> evaluate_model -> promote_model -> predict ->
//          api_smoke_test
//   demo   demo_ingest -> demo_wait_bronze -> demo_silver -> demo_check
//          (small real tasks on Delta tables under <lake>/demo/, for tests
//          and for trying the runner and Airflow today)
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "medallion/common/result.h"
#include "medallion/orchestrate/dag.h"
#include "medallion/orchestrate/task_registry.h"

namespace medallion::orchestrate {

struct DagSpec {
  std::string name;
  std::string description;
  // (task, its upstream tasks), in a valid run order.
  std::vector<std::pair<std::string, std::vector<std::string>>> tasks;
};

const std::vector<DagSpec>& BuiltinDags();
Result<DagSpec> FindDag(const std::string& name);

// The first built-in DAG that has a task named `task` (for `medallion task`).
Result<DagSpec> FindDagWithTask(const std::string& task);

Result<Dag> BuildDag(const DagSpec& spec, const TaskRegistry& registry);

// Every task the built-in DAGs use (daily_tasks.h, demo_tasks.h).
void RegisterBuiltinTasks(TaskRegistry& registry);

}  // namespace medallion::orchestrate
