#include "medallion/orchestrate/runner.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <condition_variable>
#include <exception>
#include <filesystem>
#include <mutex>
#include <thread>

#include "medallion/orchestrate/logical_date.h"
#include "medallion/orchestrate/run_lock.h"

namespace medallion::orchestrate {

namespace {

std::string FirstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

// What a try's thread shares with the runner. Held by shared_ptr so an
// abandoned thread (a task that ignored cancellation) never touches freed memory.
struct TryState {
  TryState(std::unique_ptr<TaskLog> log_in, RunStore& store, const Dag& dag, const Task& task, std::string date,
           int try_number, const RunnerOptions& options)
      : log(std::move(log_in)),
        state(store, dag.name(), task.name),
        context{dag.name(), task.name, std::move(date), try_number, options.lake_root, options.runs_dir, *log, cancel,
                state} {}

  std::unique_ptr<TaskLog> log;
  CancellationToken cancel;
  StoredTaskState state;
  TaskContext context;

  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  Status status;
};

}  // namespace

bool IsPermanent(const Status& status) {
  return status.code() == StatusCode::kNotImplemented || status.code() == StatusCode::kInvalidArgument;
}

std::string TaskLogPath(const std::string& runs_dir, const std::string& dag, const std::string& task,
                        const std::string& logical_date, int try_number) {
  return (std::filesystem::path(runs_dir) / "logs" / dag / task / logical_date / fmt::format("try-{}.log", try_number))
      .string();
}

Status DagRunOutcome::ToStatus() const {
  if (ok()) return Status::OK();
  std::vector<std::string> failures;
  StatusCode code = StatusCode::kInternal;
  for (const auto& t : tasks) {
    if (t.state != kFailed) continue;
    if (failures.empty() && t.code != StatusCode::kOk) code = t.code;
    failures.push_back(fmt::format("{} failed after {} tries: {}", t.task, t.tries, t.error));
  }
  return Status(code, fmt::format("dag '{}' for {} failed: {}", dag, logical_date, fmt::join(failures, "; ")));
}

Result<std::unique_ptr<Runner>> Runner::Open(RunnerOptions options) {
  if (options.runs_dir.empty()) return Status::InvalidArgument("the runner needs a local runs directory");
  MEDALLION_ASSIGN_OR_RETURN(auto store,
                             RunStore::Open((std::filesystem::path(options.runs_dir) / "runs.db").string()));
  return std::unique_ptr<Runner>(new Runner(std::move(options), std::move(store)));
}

Result<int> Runner::Recover(const std::string& dag, const std::string& logical_date) {
  MEDALLION_ASSIGN_OR_RETURN(int changed,
                             store_->MarkOrphaned(dag, logical_date,
                                                  "orphaned: the process running it died (killed or crashed); "
                                                  "it is retried by the next run of this date"));
  if (changed > 0) {
    spdlog::warn("dag {} {}: {} run/task rows were left running by a dead process; marked failed, will retry", dag,
                 logical_date, changed);
  }
  return changed;
}

Result<int> Runner::RecoverOrphans() {
  MEDALLION_ASSIGN_OR_RETURN(auto running, store_->RunningDates());
  int changed = 0;
  for (const auto& [dag, date] : running) {
    auto lock = RunLock::TryAcquire(options_.runs_dir, dag, date);
    if (!lock.ok()) {
      if (lock.status().IsConflict()) continue;  // alive: someone is running it right now
      return lock.status();
    }
    MEDALLION_ASSIGN_OR_RETURN(int n, Recover(dag, date));
    changed += n;
  }
  return changed;
}

Status Runner::RunOneTry(int64_t run_id, const Dag& dag, const Task& task, const std::string& logical_date,
                         Status* result) {
  MEDALLION_ASSIGN_OR_RETURN(int try_number, store_->NextTryNumber(dag.name(), task.name, logical_date));
  std::string log_path = TaskLogPath(options_.runs_dir, dag.name(), task.name, logical_date, try_number);
  MEDALLION_ASSIGN_OR_RETURN(auto log, TaskLog::Open(log_path));
  MEDALLION_ASSIGN_OR_RETURN(int64_t instance,
                             store_->BeginTry(run_id, dag.name(), task.name, logical_date, try_number, log_path));
  auto state = std::make_shared<TryState>(std::move(log), *store_, dag, task, logical_date, try_number, options_);
  state->log->Info("dag {} task {} logical date {} try {} started", dag.name(), task.name, logical_date, try_number);
  spdlog::info("{}.{} {} try {}: started", dag.name(), task.name, logical_date, try_number);
  auto started = std::chrono::steady_clock::now();

  std::thread worker([state, fn = task.run] {
    Status result;
    try {
      result = fn(state->context);
    } catch (const std::exception& e) {
      result = Status::Internal(fmt::format("task threw: {}", e.what()));
    } catch (...) {
      result = Status::Internal("task threw a non-standard exception");
    }
    {
      std::lock_guard lock(state->mu);
      state->done = true;
      state->status = std::move(result);
    }
    state->cv.notify_all();
  });

  Status outcome;
  {
    std::unique_lock lock(state->mu);
    bool finished = true;
    if (task.timeout.count() > 0) {
      finished = state->cv.wait_for(lock, task.timeout, [&] { return state->done; });
    } else {
      state->cv.wait(lock, [&] { return state->done; });
    }
    if (finished) {
      outcome = state->status;
    } else {
      std::string reason = fmt::format("timeout: task '{}' ran longer than {} ms", task.name, task.timeout.count());
      state->cancel.Cancel(reason);
      bool stopped = state->cv.wait_for(lock, options_.cancel_grace, [&] { return state->done; });
      outcome = Status::Timeout(stopped ? reason
                                        : reason + fmt::format(" and did not stop within {} ms of being cancelled; "
                                                               "abandoned",
                                                               options_.cancel_grace.count()));
    }
  }
  if (state->done) {
    worker.join();
  } else {
    worker.detach();
  }

  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (outcome.ok()) {
    state->log->Info("success in {:.3f} s", seconds);
    spdlog::info("{}.{} {} try {}: success in {:.3f} s", dag.name(), task.name, logical_date, try_number, seconds);
  } else {
    state->log->Info("failed after {:.3f} s: {}", seconds, outcome.ToString());
    spdlog::warn("{}.{} {} try {}: failed after {:.3f} s: {} (log: {})", dag.name(), task.name, logical_date,
                 try_number, seconds, FirstLine(outcome.ToString()), log_path);
  }
  MEDALLION_RETURN_IF_ERROR(store_->FinishTry(instance, outcome.ok() ? kSuccess : kFailed,
                                              outcome.ok() ? "" : outcome.ToString()));
  *result = std::move(outcome);
  return Status::OK();
}

Result<TaskOutcome> Runner::RunWithRetries(int64_t run_id, const Dag& dag, const Task& task,
                                           const std::string& logical_date, int max_tries) {
  TaskOutcome outcome;
  outcome.task = task.name;
  outcome.state = kFailed;
  for (int attempt = 1;; ++attempt) {
    Status result;
    MEDALLION_RETURN_IF_ERROR(RunOneTry(run_id, dag, task, logical_date, &result));
    outcome.tries = attempt;
    if (result.ok()) {
      outcome.state = kSuccess;
      outcome.error.clear();
      outcome.code = StatusCode::kOk;
      return outcome;
    }
    outcome.error = result.ToString();
    outcome.code = result.code();
    if (attempt >= max_tries || IsPermanent(result)) return outcome;
    auto delay = task.retry.DelayBefore(attempt + 1);
    spdlog::info("{}.{} {}: retrying in {} ms ({} of {} retries left)", dag.name(), task.name, logical_date,
                 delay.count(), max_tries - attempt, task.retry.retries);
    std::this_thread::sleep_for(delay);
  }
}

Result<DagRunOutcome> Runner::RunDag(const Dag& dag, const std::string& logical_date) {
  MEDALLION_RETURN_IF_ERROR(ParseLogicalDate(logical_date).status());
  MEDALLION_ASSIGN_OR_RETURN(auto order, dag.TopologicalOrder());
  MEDALLION_ASSIGN_OR_RETURN(auto lock, RunLock::TryAcquire(options_.runs_dir, dag.name(), logical_date));
  MEDALLION_RETURN_IF_ERROR(Recover(dag.name(), logical_date).status());

  DagRunOutcome run;
  run.dag = dag.name();
  run.logical_date = logical_date;
  run.state = kSuccess;
  if (!options_.force) {
    bool all_done = true;
    for (const auto& name : order) {
      MEDALLION_ASSIGN_OR_RETURN(bool done, store_->HasSucceeded(dag.name(), name, logical_date));
      if (!done) {
        all_done = false;
        break;
      }
    }
    if (all_done) {
      for (const auto& name : order) {
        run.tasks.push_back({name, std::string(kSuccess), 0, true, "", StatusCode::kOk});
      }
      spdlog::info("dag {} {}: already succeeded; nothing to do (--force re-runs it)", dag.name(), logical_date);
      return run;
    }
  }

  MEDALLION_ASSIGN_OR_RETURN(run.run_id, store_->BeginDagRun(dag.name(), logical_date));
  spdlog::info("dag {} {}: run {} started ({} tasks)", dag.name(), logical_date, run.run_id, order.size());
  std::map<std::string, std::string> states;
  for (const auto& name : order) {
    std::vector<std::string> blocked;
    for (const auto& up : dag.upstream(name)) {
      if (states[up] != kSuccess) blocked.push_back(up);
    }
    if (!blocked.empty()) {
      std::string reason = fmt::format("upstream task(s) did not succeed: {}", fmt::join(blocked, ", "));
      MEDALLION_RETURN_IF_ERROR(store_->RecordUpstreamFailed(run.run_id, dag.name(), name, logical_date, reason));
      states[name] = kUpstreamFailed;
      run.tasks.push_back({name, std::string(kUpstreamFailed), 0, false, reason, StatusCode::kOk});
      continue;
    }
    if (!options_.force) {
      MEDALLION_ASSIGN_OR_RETURN(bool done, store_->HasSucceeded(dag.name(), name, logical_date));
      if (done) {
        states[name] = kSuccess;
        run.tasks.push_back({name, std::string(kSuccess), 0, true, "", StatusCode::kOk});
        continue;
      }
    }
    const Task& task = dag.task(name);
    MEDALLION_ASSIGN_OR_RETURN(auto outcome,
                               RunWithRetries(run.run_id, dag, task, logical_date, task.retry.retries + 1));
    states[name] = outcome.state;
    if (outcome.state != kSuccess) run.state = kFailed;
    run.tasks.push_back(std::move(outcome));
  }
  Status summary = run.ToStatus();
  MEDALLION_RETURN_IF_ERROR(store_->FinishDagRun(run.run_id, run.state, summary.ok() ? "" : summary.message()));
  spdlog::info("dag {} {}: run {} {}", dag.name(), logical_date, run.run_id, run.state);
  return run;
}

Result<TaskOutcome> Runner::RunSingleTask(const Dag& dag, const std::string& task, const std::string& logical_date) {
  MEDALLION_RETURN_IF_ERROR(ParseLogicalDate(logical_date).status());
  MEDALLION_RETURN_IF_ERROR(dag.Validate());
  if (!dag.Contains(task)) {
    return Status::NotFound(fmt::format("dag '{}' has no task '{}' (tasks: {})", dag.name(), task,
                                        fmt::join(dag.task_names(), ", ")));
  }
  MEDALLION_ASSIGN_OR_RETURN(auto lock, RunLock::TryAcquire(options_.runs_dir, dag.name(), logical_date));
  MEDALLION_RETURN_IF_ERROR(Recover(dag.name(), logical_date).status());
  if (!options_.force) {
    MEDALLION_ASSIGN_OR_RETURN(bool done, store_->HasSucceeded(dag.name(), task, logical_date));
    if (done) {
      spdlog::info("{}.{} {}: already succeeded; nothing to do (--force re-runs it)", dag.name(), task, logical_date);
      return TaskOutcome{task, std::string(kSuccess), 0, true, "", StatusCode::kOk};
    }
  }
  // run_id 0: the try belongs to a run another orchestrator keeps.
  return RunWithRetries(0, dag, dag.task(task), logical_date, 1);
}

Result<std::vector<DagRunOutcome>> Runner::Backfill(const Dag& dag, const std::string& from, const std::string& to) {
  MEDALLION_ASSIGN_OR_RETURN(auto dates, LogicalDateRange(from, to));
  std::vector<DagRunOutcome> outcomes;
  for (size_t i = 0; i < dates.size(); ++i) {
    spdlog::info("backfill {} {}..{}: date {} of {}: {}", dag.name(), from, to, i + 1, dates.size(), dates[i]);
    MEDALLION_ASSIGN_OR_RETURN(auto outcome, RunDag(dag, dates[i]));
    bool failed = !outcome.ok();
    outcomes.push_back(std::move(outcome));
    if (failed) break;
  }
  return outcomes;
}

}  // namespace medallion::orchestrate
