// Sensors: tasks that wait for a condition (a Delta table got new commits, a
// file arrived) by poking it every `poke_interval` until it holds or
// `timeout` passes. A sensor that times out fails like any task, so its
// downstream tasks end upstream_failed instead of running on missing data.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "medallion/common/result.h"
#include "medallion/orchestrate/task.h"

namespace medallion::orchestrate {

// True when the condition holds. An error ends the sensor's try at once.
using PokeFn = std::function<Result<bool>(const TaskContext&)>;

struct SensorOptions {
  std::chrono::milliseconds poke_interval{5000};
  std::chrono::milliseconds timeout{std::chrono::hours(1)};
};

// A task body that pokes until true (OK), timeout (Timeout naming
// `condition`) or cancellation (Cancelled).
TaskFn MakeSensor(std::string condition, PokeFn poke, SensorOptions options);

// `table` is a URI, or a path relative to the lake root ("bronze/orders").
std::string ResolveTableUri(const TaskContext& ctx, const std::string& table);

// The Delta table exists and has reached version `min_version`.
PokeFn DeltaTableReachedVersion(std::string table, int64_t min_version);

// The Delta table has a version newer than the one this sensor saw the last
// time it fired (any version on its first run). Fires once per new version:
// the version seen is kept in the task's state.
PokeFn DeltaTableHasNewVersion(std::string table);

}  // namespace medallion::orchestrate
