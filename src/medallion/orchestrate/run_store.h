// Run history in SQLite (<runs>/runs.db, WAL mode so `medallion dag status`
// can read while a backfill writes, and several processes can share it).
//
//   dag_run(id, dag, logical_date, state, start_ms, end_ms, pid, error)
//   task_instance(id, run_id, dag, task, logical_date, try_number, state,
//                 start_ms, end_ms, log_file, error, pid)
//   task_state(dag, task, key, value)        -- TaskState, e.g. sensor baselines
//
// One row per try: a task that failed twice then succeeded has three rows,
// and its state is the state of its newest row. Try numbers keep counting
// across runs of the same (dag, task, date), like Airflow's try_number.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "medallion/common/result.h"
#include "medallion/orchestrate/task.h"

struct sqlite3;

namespace medallion::orchestrate {

// States, spelled as Airflow spells them.
inline constexpr std::string_view kRunning = "running";
inline constexpr std::string_view kSuccess = "success";
inline constexpr std::string_view kFailed = "failed";
inline constexpr std::string_view kUpstreamFailed = "upstream_failed";

struct DagRunRecord {
  int64_t id = 0;
  std::string dag;
  std::string logical_date;
  std::string state;
  int64_t start_ms = 0;
  int64_t end_ms = 0;  // 0 while running
  int64_t pid = 0;
  std::string error;
};

struct TaskInstanceRecord {
  int64_t id = 0;
  int64_t run_id = 0;
  std::string dag;
  std::string task;
  std::string logical_date;
  int try_number = 0;  // 0 for upstream_failed (the task never started)
  std::string state;
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  std::string log_file;
  std::string error;
  int64_t pid = 0;
};

class RunStore {
 public:
  // Opens or creates the database at `path` (parent directories included).
  static Result<std::unique_ptr<RunStore>> Open(const std::string& path);
  ~RunStore();
  RunStore(const RunStore&) = delete;
  RunStore& operator=(const RunStore&) = delete;

  const std::string& path() const { return path_; }

  // A new dag_run in state running, owned by this process; returns its id.
  Result<int64_t> BeginDagRun(const std::string& dag, const std::string& logical_date);
  Status FinishDagRun(int64_t run_id, std::string_view state, const std::string& error = "");

  // The try number the next try of (dag, task, date) gets: one more than any so far.
  Result<int> NextTryNumber(const std::string& dag, const std::string& task, const std::string& logical_date);
  // A task_instance row in state running; returns its id.
  Result<int64_t> BeginTry(int64_t run_id, const std::string& dag, const std::string& task,
                           const std::string& logical_date, int try_number, const std::string& log_file);
  Status FinishTry(int64_t instance_id, std::string_view state, const std::string& error = "");
  // A task that never started because an upstream task failed.
  Status RecordUpstreamFailed(int64_t run_id, const std::string& dag, const std::string& task,
                              const std::string& logical_date, const std::string& reason);

  // True when some try of (dag, task, date) succeeded.
  Result<bool> HasSucceeded(const std::string& dag, const std::string& task, const std::string& logical_date);

  Result<std::optional<DagRunRecord>> LatestDagRun(const std::string& dag, const std::string& logical_date);
  // Newest first; `dag` empty means every DAG.
  Result<std::vector<DagRunRecord>> RecentDagRuns(const std::string& dag, int limit);
  // Every try of every task of (dag, date), oldest first.
  Result<std::vector<TaskInstanceRecord>> TaskInstances(const std::string& dag, const std::string& logical_date);
  Result<std::vector<TaskInstanceRecord>> TaskInstancesOfRun(int64_t run_id);
  // (dag, logical_date) pairs with a dag_run or task_instance left running.
  Result<std::vector<std::pair<std::string, std::string>>> RunningDates();

  // Marks what is still running for (dag, date) as failed with `reason`: the
  // process that ran it is gone (the caller holds the date's RunLock).
  // Returns how many rows changed.
  Result<int> MarkOrphaned(const std::string& dag, const std::string& logical_date, const std::string& reason);

  // Per-(dag, task) key/value state.
  Result<std::optional<std::string>> GetState(const std::string& dag, const std::string& task, const std::string& key);
  Status PutState(const std::string& dag, const std::string& task, const std::string& key, const std::string& value);

 private:
  RunStore(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  Status Exec(const char* sql);

  std::mutex mu_;
  sqlite3* db_;
  std::string path_;

  friend class Statement;
};

// TaskState over a RunStore, scoped to one (dag, task).
class StoredTaskState : public TaskState {
 public:
  StoredTaskState(RunStore& store, std::string dag, std::string task)
      : store_(store), dag_(std::move(dag)), task_(std::move(task)) {}
  std::optional<std::string> Get(const std::string& key) const override;
  Status Put(const std::string& key, const std::string& value) override;

 private:
  RunStore& store_;
  std::string dag_;
  std::string task_;
};

int64_t NowMillis();

}  // namespace medallion::orchestrate
