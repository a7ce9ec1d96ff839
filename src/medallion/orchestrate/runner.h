// Runs DAGs for logical dates and records every try in the RunStore.
//
// Per date: take the date's RunLock, mark what a dead process left `running`
// as failed (run_lock.h says why that is safe), then run the tasks in
// topological order. A task whose upstream did not succeed ends
// `upstream_failed` without running; a task that already succeeded for the
// date is not run again unless `force` (idempotence per logical date: this is
// what lets a killed backfill resume where it stopped).
//
// Each try runs on its own thread so a timeout can be enforced: on expiry the
// task's CancellationToken fires and the try fails with reason "timeout".
// Tasks are cooperative; one that ignores cancellation for `cancel_grace` is
// abandoned (its thread detached) and the run goes on.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "medallion/common/result.h"
#include "medallion/orchestrate/dag.h"
#include "medallion/orchestrate/run_store.h"

namespace medallion::orchestrate {

struct RunnerOptions {
  std::string lake_root;  // handed to tasks (TaskContext::lake_root)
  std::string runs_dir;   // local: runs.db, locks/ and logs/ live here
  bool force = false;     // re-run tasks that already succeeded for the date
  std::chrono::milliseconds cancel_grace{5000};
};

struct TaskOutcome {
  std::string task;
  std::string state;  // success, failed, upstream_failed
  int tries = 0;      // tries made by this run (0: skipped or already done)
  bool already_done = false;
  std::string error;  // last try's error
  StatusCode code = StatusCode::kOk;  // last try's error code
};

struct DagRunOutcome {
  std::string dag;
  std::string logical_date;
  std::string state;  // success or failed
  int64_t run_id = 0;  // 0 when nothing ran (everything already done)
  std::vector<TaskOutcome> tasks;

  bool ok() const { return state == kSuccess; }
  // OK, or an error naming the date and the tasks that failed (with the
  // first failed task's code).
  Status ToStatus() const;
};

class Runner {
 public:
  static Result<std::unique_ptr<Runner>> Open(RunnerOptions options);

  RunStore& store() { return *store_; }
  const RunnerOptions& options() const { return options_; }

  // Marks as failed whatever dead processes left running, for every date
  // whose lock is free. Returns the number of rows changed.
  Result<int> RecoverOrphans();

  // One run of `dag` for `logical_date`. Conflict if another process is
  // running the same DAG and date.
  Result<DagRunOutcome> RunDag(const Dag& dag, const std::string& logical_date);

  // One try of one task, ignoring upstream state and the task's retries (the
  // caller, e.g. Airflow, owns both). Already succeeded and not `force`:
  // nothing runs and the outcome is success.
  Result<TaskOutcome> RunSingleTask(const Dag& dag, const std::string& task, const std::string& logical_date);

  // RunDag for every date from `from` to `to`, in order, one date at a time.
  // Stops at the first date that fails (later dates usually build on it);
  // dates already done are passed over, so re-running a killed backfill
  // continues where it stopped.
  Result<std::vector<DagRunOutcome>> Backfill(const Dag& dag, const std::string& from, const std::string& to);

 private:
  Runner(RunnerOptions options, std::unique_ptr<RunStore> store)
      : options_(std::move(options)), store_(std::move(store)) {}

  // Runs tries until success, a permanent error or the retry budget is spent.
  Result<TaskOutcome> RunWithRetries(int64_t run_id, const Dag& dag, const Task& task,
                                     const std::string& logical_date, int max_tries);
  // One try on a worker thread, with the task's timeout. `*outcome` is the
  // task's outcome; the returned Status fails only when the run store does.
  Status RunOneTry(int64_t run_id, const Dag& dag, const Task& task, const std::string& logical_date,
                   Status* outcome);
  Result<int> Recover(const std::string& dag, const std::string& logical_date);

  RunnerOptions options_;
  std::unique_ptr<RunStore> store_;
};

// Errors that another try cannot fix (a task not implemented, bad
// arguments): the runner does not retry them.
bool IsPermanent(const Status& status);

// "<runs_dir>/logs/<dag>/<task>/<date>/try-<n>.log"
std::string TaskLogPath(const std::string& runs_dir, const std::string& dag, const std::string& task,
                        const std::string& logical_date, int try_number);

}  // namespace medallion::orchestrate
