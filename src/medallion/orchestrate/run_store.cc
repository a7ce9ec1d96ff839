#include "medallion/orchestrate/run_store.h"

#include <fmt/format.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

namespace medallion::orchestrate {

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// One prepared statement: bind by position (1-based), step, read columns.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    rc_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr);
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& Bind(int i, const std::string& v) {
    if (rc_ == SQLITE_OK) rc_ = sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& Bind(int i, std::string_view v) { return Bind(i, std::string(v)); }
  Statement& Bind(int i, int64_t v) {
    if (rc_ == SQLITE_OK) rc_ = sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }

  // True while there is a row; errors end up in status().
  bool Step() {
    if (rc_ != SQLITE_OK && rc_ != SQLITE_ROW) return false;
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) {
      rc_ = SQLITE_ROW;
      return true;
    }
    rc_ = rc == SQLITE_DONE ? SQLITE_OK : rc;
    return false;
  }
  Status Run() {
    while (Step()) {
    }
    return status();
  }
  Status status() const {
    if (rc_ == SQLITE_OK || rc_ == SQLITE_ROW) return Status::OK();
    return Status::IOError(fmt::format("run history database: {}", sqlite3_errmsg(db_)));
  }

  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  std::string Text(int col) const {
    auto* p = sqlite3_column_text(stmt_, col);
    return p == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(p));
  }
  bool IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  int rc_;
};

namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS dag_run (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  dag TEXT NOT NULL,
  logical_date TEXT NOT NULL,
  state TEXT NOT NULL,
  start_ms INTEGER NOT NULL,
  end_ms INTEGER NOT NULL DEFAULT 0,
  pid INTEGER NOT NULL,
  error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS dag_run_by_date ON dag_run (dag, logical_date);
CREATE TABLE IF NOT EXISTS task_instance (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id INTEGER NOT NULL,
  dag TEXT NOT NULL,
  task TEXT NOT NULL,
  logical_date TEXT NOT NULL,
  try_number INTEGER NOT NULL,
  state TEXT NOT NULL,
  start_ms INTEGER NOT NULL,
  end_ms INTEGER NOT NULL DEFAULT 0,
  log_file TEXT NOT NULL DEFAULT '',
  error TEXT NOT NULL DEFAULT '',
  pid INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS task_instance_by_date ON task_instance (dag, logical_date, task);
CREATE INDEX IF NOT EXISTS task_instance_by_run ON task_instance (run_id);
CREATE TABLE IF NOT EXISTS task_state (
  dag TEXT NOT NULL,
  task TEXT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (dag, task, key)
);
)sql";

constexpr const char* kDagRunColumns = "id, dag, logical_date, state, start_ms, end_ms, pid, error";
constexpr const char* kTaskColumns =
    "id, run_id, dag, task, logical_date, try_number, state, start_ms, end_ms, log_file, error, pid";

DagRunRecord ReadDagRun(const Statement& s) {
  return DagRunRecord{s.Int(0), s.Text(1), s.Text(2), s.Text(3), s.Int(4), s.Int(5), s.Int(6), s.Text(7)};
}

TaskInstanceRecord ReadTask(const Statement& s) {
  return TaskInstanceRecord{s.Int(0),  s.Int(1),  s.Text(2), s.Text(3),  s.Text(4),  static_cast<int>(s.Int(5)),
                            s.Text(6), s.Int(7),  s.Int(8),  s.Text(9),  s.Text(10), s.Int(11)};
}

}  // namespace

Result<std::unique_ptr<RunStore>> RunStore::Open(const std::string& path) {
  std::error_code ec;
  auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (ec) return Status::IOError(fmt::format("cannot create {}: {}", parent.string(), ec.message()));
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                           nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return Status::IOError(fmt::format("cannot open run history {}: {}", path, message));
  }
  std::unique_ptr<RunStore> store(new RunStore(db, path));
  // Several processes (a backfill, `dag status`, Airflow's `medallion task`)
  // share the file: wait for locks rather than fail.
  sqlite3_busy_timeout(db, 30000);
  // WAL: readers never block the writer. synchronous=NORMAL in WAL mode loses
  // nothing when a process dies (only on power loss), which is the crash we
  // promise to survive.
  MEDALLION_RETURN_IF_ERROR(store->Exec("PRAGMA journal_mode=WAL"));
  MEDALLION_RETURN_IF_ERROR(store->Exec("PRAGMA synchronous=NORMAL"));
  MEDALLION_RETURN_IF_ERROR(store->Exec(kSchema));
  return store;
}

RunStore::~RunStore() { sqlite3_close(db_); }

Status RunStore::Exec(const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : "unknown error";
    sqlite3_free(error);
    return Status::IOError(fmt::format("run history {}: {}", path_, message));
  }
  return Status::OK();
}

Result<int64_t> RunStore::BeginDagRun(const std::string& dag, const std::string& logical_date) {
  std::lock_guard lock(mu_);
  Statement s(db_, "INSERT INTO dag_run (dag, logical_date, state, start_ms, pid) VALUES (?, ?, ?, ?, ?)");
  MEDALLION_RETURN_IF_ERROR(
      s.Bind(1, dag).Bind(2, logical_date).Bind(3, kRunning).Bind(4, NowMillis()).Bind(5, int64_t{::getpid()}).Run());
  return sqlite3_last_insert_rowid(db_);
}

Status RunStore::FinishDagRun(int64_t run_id, std::string_view state, const std::string& error) {
  std::lock_guard lock(mu_);
  Statement s(db_, "UPDATE dag_run SET state = ?, end_ms = ?, error = ? WHERE id = ?");
  return s.Bind(1, state).Bind(2, NowMillis()).Bind(3, error).Bind(4, run_id).Run();
}

Result<int> RunStore::NextTryNumber(const std::string& dag, const std::string& task, const std::string& logical_date) {
  std::lock_guard lock(mu_);
  Statement s(db_, "SELECT COALESCE(MAX(try_number), 0) FROM task_instance WHERE dag = ? AND task = ? AND logical_date = ?");
  s.Bind(1, dag).Bind(2, task).Bind(3, logical_date);
  if (!s.Step()) {
    MEDALLION_RETURN_IF_ERROR(s.status());
    return 1;
  }
  return static_cast<int>(s.Int(0)) + 1;
}

Result<int64_t> RunStore::BeginTry(int64_t run_id, const std::string& dag, const std::string& task,
                                   const std::string& logical_date, int try_number, const std::string& log_file) {
  std::lock_guard lock(mu_);
  Statement s(db_,
              "INSERT INTO task_instance (run_id, dag, task, logical_date, try_number, state, start_ms, log_file, pid) "
              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  MEDALLION_RETURN_IF_ERROR(s.Bind(1, run_id)
                                .Bind(2, dag)
                                .Bind(3, task)
                                .Bind(4, logical_date)
                                .Bind(5, int64_t{try_number})
                                .Bind(6, kRunning)
                                .Bind(7, NowMillis())
                                .Bind(8, log_file)
                                .Bind(9, int64_t{::getpid()})
                                .Run());
  return sqlite3_last_insert_rowid(db_);
}

Status RunStore::FinishTry(int64_t instance_id, std::string_view state, const std::string& error) {
  std::lock_guard lock(mu_);
  Statement s(db_, "UPDATE task_instance SET state = ?, end_ms = ?, error = ? WHERE id = ?");
  return s.Bind(1, state).Bind(2, NowMillis()).Bind(3, error).Bind(4, instance_id).Run();
}

Status RunStore::RecordUpstreamFailed(int64_t run_id, const std::string& dag, const std::string& task,
                                      const std::string& logical_date, const std::string& reason) {
  std::lock_guard lock(mu_);
  int64_t now = NowMillis();
  Statement s(db_,
              "INSERT INTO task_instance (run_id, dag, task, logical_date, try_number, state, start_ms, end_ms, error, "
              "pid) VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?, ?)");
  return s.Bind(1, run_id)
      .Bind(2, dag)
      .Bind(3, task)
      .Bind(4, logical_date)
      .Bind(5, kUpstreamFailed)
      .Bind(6, now)
      .Bind(7, now)
      .Bind(8, reason)
      .Bind(9, int64_t{::getpid()})
      .Run();
}

Result<bool> RunStore::HasSucceeded(const std::string& dag, const std::string& task, const std::string& logical_date) {
  std::lock_guard lock(mu_);
  Statement s(db_,
              "SELECT 1 FROM task_instance WHERE dag = ? AND task = ? AND logical_date = ? AND state = ? LIMIT 1");
  s.Bind(1, dag).Bind(2, task).Bind(3, logical_date).Bind(4, kSuccess);
  bool found = s.Step();
  MEDALLION_RETURN_IF_ERROR(s.status());
  return found;
}

Result<std::optional<DagRunRecord>> RunStore::LatestDagRun(const std::string& dag, const std::string& logical_date) {
  std::lock_guard lock(mu_);
  std::string sql =
      fmt::format("SELECT {} FROM dag_run WHERE dag = ? AND logical_date = ? ORDER BY id DESC LIMIT 1", kDagRunColumns);
  Statement s(db_, sql.c_str());
  s.Bind(1, dag).Bind(2, logical_date);
  std::optional<DagRunRecord> out;
  if (s.Step()) out = ReadDagRun(s);
  MEDALLION_RETURN_IF_ERROR(s.status());
  return out;
}

Result<std::vector<DagRunRecord>> RunStore::RecentDagRuns(const std::string& dag, int limit) {
  std::lock_guard lock(mu_);
  std::string sql = fmt::format("SELECT {} FROM dag_run WHERE (? = '' OR dag = ?) ORDER BY id DESC LIMIT ?",
                                kDagRunColumns);
  Statement s(db_, sql.c_str());
  s.Bind(1, dag).Bind(2, dag).Bind(3, int64_t{limit});
  std::vector<DagRunRecord> out;
  while (s.Step()) out.push_back(ReadDagRun(s));
  MEDALLION_RETURN_IF_ERROR(s.status());
  return out;
}

Result<std::vector<TaskInstanceRecord>> RunStore::TaskInstances(const std::string& dag,
                                                                const std::string& logical_date) {
  std::lock_guard lock(mu_);
  std::string sql =
      fmt::format("SELECT {} FROM task_instance WHERE dag = ? AND logical_date = ? ORDER BY id", kTaskColumns);
  Statement s(db_, sql.c_str());
  s.Bind(1, dag).Bind(2, logical_date);
  std::vector<TaskInstanceRecord> out;
  while (s.Step()) out.push_back(ReadTask(s));
  MEDALLION_RETURN_IF_ERROR(s.status());
  return out;
}

Result<std::vector<TaskInstanceRecord>> RunStore::TaskInstancesOfRun(int64_t run_id) {
  std::lock_guard lock(mu_);
  std::string sql = fmt::format("SELECT {} FROM task_instance WHERE run_id = ? ORDER BY id", kTaskColumns);
  Statement s(db_, sql.c_str());
  s.Bind(1, run_id);
  std::vector<TaskInstanceRecord> out;
  while (s.Step()) out.push_back(ReadTask(s));
  MEDALLION_RETURN_IF_ERROR(s.status());
  return out;
}

Result<std::vector<std::pair<std::string, std::string>>> RunStore::RunningDates() {
  std::lock_guard lock(mu_);
  Statement s(db_,
              "SELECT dag, logical_date FROM dag_run WHERE state = 'running' UNION "
              "SELECT dag, logical_date FROM task_instance WHERE state = 'running' ORDER BY 1, 2");
  std::vector<std::pair<std::string, std::string>> out;
  while (s.Step()) out.emplace_back(s.Text(0), s.Text(1));
  MEDALLION_RETURN_IF_ERROR(s.status());
  return out;
}

Result<int> RunStore::MarkOrphaned(const std::string& dag, const std::string& logical_date, const std::string& reason) {
  std::lock_guard lock(mu_);
  int changed = 0;
  for (const char* sql : {"UPDATE task_instance SET state = 'failed', end_ms = ?, error = ? "
                          "WHERE dag = ? AND logical_date = ? AND state = 'running'",
                          "UPDATE dag_run SET state = 'failed', end_ms = ?, error = ? "
                          "WHERE dag = ? AND logical_date = ? AND state = 'running'"}) {
    Statement s(db_, sql);
    MEDALLION_RETURN_IF_ERROR(s.Bind(1, NowMillis()).Bind(2, reason).Bind(3, dag).Bind(4, logical_date).Run());
    changed += sqlite3_changes(db_);
  }
  return changed;
}

Result<std::optional<std::string>> RunStore::GetState(const std::string& dag, const std::string& task,
                                                      const std::string& key) {
  std::lock_guard lock(mu_);
  Statement s(db_, "SELECT value FROM task_state WHERE dag = ? AND task = ? AND key = ?");
  s.Bind(1, dag).Bind(2, task).Bind(3, key);
  std::optional<std::string> out;
  if (s.Step()) out = s.Text(0);
  MEDALLION_RETURN_IF_ERROR(s.status());
  return out;
}

Status RunStore::PutState(const std::string& dag, const std::string& task, const std::string& key,
                          const std::string& value) {
  std::lock_guard lock(mu_);
  Statement s(db_, "INSERT OR REPLACE INTO task_state (dag, task, key, value) VALUES (?, ?, ?, ?)");
  return s.Bind(1, dag).Bind(2, task).Bind(3, key).Bind(4, value).Run();
}

std::optional<std::string> StoredTaskState::Get(const std::string& key) const {
  auto value = store_.GetState(dag_, task_, key);
  return value.ok() ? *value : std::nullopt;
}

Status StoredTaskState::Put(const std::string& key, const std::string& value) {
  return store_.PutState(dag_, task_, key, value);
}

}  // namespace medallion::orchestrate
