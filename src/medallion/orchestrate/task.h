// A task: a named unit of daily work (bronze_to_silver, train_model...) and
// what the runner needs to run it well: how often to retry, how long to wait
// between tries, and when to give up on a try.
//
// A task must be idempotent per logical date: running it twice for the same
// date leaves the lake as running it once (overwrite the date's partition,
// record a Delta txn), because retries and crash recovery re-run it.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "medallion/common/status.h"
#include "medallion/orchestrate/cancellation.h"
#include "medallion/orchestrate/task_log.h"

namespace medallion::orchestrate {

// Small key/value state a task keeps between runs (a sensor's last seen table
// version). Scoped to one (dag, task) by the runner.
class TaskState {
 public:
  virtual ~TaskState() = default;
  virtual std::optional<std::string> Get(const std::string& key) const = 0;
  virtual Status Put(const std::string& key, const std::string& value) = 0;
};

// Everything a task may know about the run it is part of.
struct TaskContext {
  std::string dag;
  std::string task;
  std::string logical_date;  // YYYY-MM-DD
  int try_number = 1;        // 1-based, counted over every run of this (dag, task, date)
  std::string lake_root;     // URI of the lake ("file:///...", "s3://...")
  std::string runs_dir;      // local directory of run history and logs
  TaskLog& log;
  const CancellationToken& cancel;
  TaskState& state;
};

using TaskFn = std::function<Status(const TaskContext&)>;

struct RetryPolicy {
  int retries = 0;  // extra tries after the first
  std::chrono::milliseconds initial_delay{1000};
  double multiplier = 2.0;  // exponential backoff
  std::chrono::milliseconds max_delay{60000};

  // Delay before try `next_try` (2, 3, ...): initial * multiplier^(next_try - 2), capped.
  std::chrono::milliseconds DelayBefore(int next_try) const;
};

struct Task {
  std::string name;
  std::string description;
  TaskFn run;
  RetryPolicy retry;
  // Zero: no limit. On expiry the task is cancelled and the try fails with
  // reason "timeout".
  std::chrono::milliseconds timeout{0};
};

}  // namespace medallion::orchestrate
