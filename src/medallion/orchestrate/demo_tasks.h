// The `demo` DAG's tasks: small but real work on Delta tables under
// <lake>/demo/, so the runner, the CLI and the Airflow DAG can be exercised
// end to end before the real pipeline stages exist.
//
//   demo_ingest       writes the day's 24 hourly events to demo/bronze_events
//                     (partition day=<date>, replaced on re-run: idempotent)
//   demo_wait_bronze  sensor: demo/bronze_events has a version it has not seen
//   demo_silver       aggregates the day into demo/silver_daily (one row per day)
//   demo_check        fails unless demo/silver_daily has the day with 24 events
#pragma once

#include "medallion/orchestrate/task_registry.h"

namespace medallion::orchestrate {

inline constexpr int kDemoEventsPerDay = 24;

void RegisterDemoTasks(TaskRegistry& registry);

}  // namespace medallion::orchestrate
