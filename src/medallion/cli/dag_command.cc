// `medallion dag ...` and `medallion task ...`: the DAG runner from the
// command line.
//
//   dag list | graph | run --date D | backfill --from A --to B | status | watch --dir D
//   task <name> --date D      one try of one task; exit code = outcome (for
//                             Airflow and other external orchestrators)
//
// The lake comes from --lake, else lake.root (medallion.yaml /
// MEDALLION_LAKE_ROOT), else ./lake. Run history and task logs go to
// <lake>/_runs/ for a local lake; an s3:// lake needs a local
// --runs-dir (orchestrate.runs_dir), since SQLite wants a local file.
#include <fmt/chrono.h>
#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "medallion/cli/commands.h"
#include "medallion/common/config.h"
#include "medallion/orchestrate/daily_tasks.h"
#include "medallion/orchestrate/dag_catalog.h"
#include "medallion/orchestrate/file_trigger.h"
#include "medallion/orchestrate/logical_date.h"
#include "medallion/orchestrate/runner.h"

namespace medallion::cli {

namespace {

using nlohmann::json;
namespace orch = medallion::orchestrate;

struct DagFlags {
  std::string dag = "daily";
  std::string lake;
  std::string runs_dir;
  bool force = false;
};

std::string LocalPathOf(const std::string& uri) {
  constexpr std::string_view kFile = "file://";
  if (uri.rfind(kFile, 0) == 0) return uri.substr(kFile.size());
  return uri;
}

Result<orch::RunnerOptions> RunnerOptionsFrom(const GlobalOptions& globals, const DagFlags& flags) {
  MEDALLION_ASSIGN_OR_RETURN(auto config, Config::Load(globals.config_path));
  orch::RunnerOptions options;
  std::string lake = flags.lake.empty() ? config.GetString("lake.root", "./lake") : flags.lake;
  bool remote = lake.find("://") != std::string::npos && lake.rfind("file://", 0) != 0;
  if (!remote) lake = std::filesystem::absolute(LocalPathOf(lake)).lexically_normal().string();
  options.lake_root = lake;
  options.runs_dir = flags.runs_dir.empty() ? config.GetString("orchestrate.runs_dir", "") : flags.runs_dir;
  if (options.runs_dir.empty()) {
    if (remote) {
      return Status::InvalidArgument(fmt::format(
          "lake {} is not local: give a local --runs-dir (or orchestrate.runs_dir) for the run history", lake));
    }
    options.runs_dir = (std::filesystem::path(lake) / "_runs").string();
  }
  options.force = flags.force;
  return options;
}

Result<orch::Dag> LoadDag(const std::string& name) {
  static orch::TaskRegistry registry = [] {
    orch::TaskRegistry r;
    orch::RegisterBuiltinTasks(r);
    return r;
  }();
  MEDALLION_ASSIGN_OR_RETURN(auto spec, orch::FindDag(name));
  return orch::BuildDag(spec, registry);
}

Result<std::unique_ptr<orch::Runner>> OpenRunner(const GlobalOptions& globals, const DagFlags& flags) {
  MEDALLION_ASSIGN_OR_RETURN(auto options, RunnerOptionsFrom(globals, flags));
  MEDALLION_ASSIGN_OR_RETURN(auto runner, orch::Runner::Open(options));
  MEDALLION_RETURN_IF_ERROR(runner->RecoverOrphans().status());
  return runner;
}

std::string FormatTime(int64_t ms) {
  if (ms <= 0) return "-";
  return fmt::format("{:%Y-%m-%d %H:%M:%S}", std::chrono::sys_seconds(std::chrono::seconds(ms / 1000)));
}

std::string FormatDuration(int64_t start_ms, int64_t end_ms) {
  if (end_ms <= 0) return "running";
  double s = static_cast<double>(end_ms - start_ms) / 1000.0;
  if (s < 60) return fmt::format("{:.1f}s", s);
  return fmt::format("{}m{:02d}s", static_cast<int64_t>(s) / 60, static_cast<int64_t>(s) % 60);
}

std::string FirstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

void PrintRun(const orch::DagRunOutcome& run) {
  std::cout << fmt::format("dag {} {}: {}{}\n", run.dag, run.logical_date, run.state,
                           run.run_id == 0 ? " (already done; --force re-runs it)" : "");
  for (const auto& t : run.tasks) {
    std::string detail = t.already_done ? "already succeeded" : fmt::format("{} tries", t.tries);
    if (t.state == orch::kUpstreamFailed) detail = "not started";
    std::cout << fmt::format("  {:<24} {:<16} {}{}\n", t.task, t.state, detail,
                             t.error.empty() ? "" : ": " + FirstLine(t.error));
  }
}

Status RunList() {
  for (const auto& spec : orch::BuiltinDags()) {
    std::cout << fmt::format("{:<8} {} tasks  {}\n", spec.name, spec.tasks.size(), spec.description);
  }
  return Status::OK();
}

Status RunGraph(const DagFlags& flags, const std::string& format) {
  MEDALLION_ASSIGN_OR_RETURN(auto dag, LoadDag(flags.dag));
  if (format == "json") {
    json tasks = json::array();
    MEDALLION_ASSIGN_OR_RETURN(auto order, dag.TopologicalOrder());
    for (const auto& name : order) {
      const auto& task = dag.task(name);
      tasks.push_back({{"name", name},
                       {"upstream", dag.upstream(name)},
                       {"description", task.description},
                       {"retries", task.retry.retries},
                       {"timeout_seconds", task.timeout.count() / 1000.0}});
    }
    std::cout << json{{"dag", dag.name()}, {"description", dag.description()}, {"tasks", tasks}}.dump(2) << "\n";
    return Status::OK();
  }
  MEDALLION_ASSIGN_OR_RETURN(auto text, dag.FormatGraph());
  std::cout << text;
  return Status::OK();
}

Status RunDagForDate(const GlobalOptions& globals, const DagFlags& flags, const std::string& date) {
  MEDALLION_ASSIGN_OR_RETURN(auto dag, LoadDag(flags.dag));
  MEDALLION_ASSIGN_OR_RETURN(auto runner, OpenRunner(globals, flags));
  MEDALLION_ASSIGN_OR_RETURN(auto run, runner->RunDag(dag, date));
  PrintRun(run);
  return run.ToStatus();
}

Status RunBackfill(const GlobalOptions& globals, const DagFlags& flags, const std::string& from,
                   const std::string& to, int train_every_days) {
  MEDALLION_ASSIGN_OR_RETURN(auto dag, LoadDag(flags.dag));
  // Training is the slow task: a long backfill may train every N days,
  // counted back from its last date (which always trains).
  MEDALLION_ASSIGN_OR_RETURN(auto last, orchestrate::ParseLogicalDate(to));
  orchestrate::TrainingSchedule schedule;
  schedule.every_days = train_every_days;
  schedule.anchor_day = std::chrono::sys_days(last).time_since_epoch().count();
  orchestrate::SetTrainingSchedule(schedule);
  MEDALLION_ASSIGN_OR_RETURN(auto runner, OpenRunner(globals, flags));
  MEDALLION_ASSIGN_OR_RETURN(auto runs, runner->Backfill(dag, from, to));
  int done = 0;
  for (const auto& run : runs) {
    if (run.ok()) {
      ++done;
      std::cout << fmt::format("{} {}\n", run.logical_date, run.run_id == 0 ? "already done" : "success");
    } else {
      PrintRun(run);
      return run.ToStatus().WithContext(fmt::format("backfill stopped at {} ({} dates done)", run.logical_date, done));
    }
  }
  std::cout << fmt::format("backfill {} {}..{}: {} dates done\n", dag.name(), from, to, done);
  return Status::OK();
}

Status RunStatus(const GlobalOptions& globals, const DagFlags& flags, const std::string& date, int limit,
                 const std::string& format) {
  MEDALLION_ASSIGN_OR_RETURN(auto runner, OpenRunner(globals, flags));
  auto& store = runner->store();
  std::string dag = flags.dag == "all" ? "" : flags.dag;
  if (!date.empty()) {
    MEDALLION_ASSIGN_OR_RETURN(auto tries, store.TaskInstances(flags.dag, date));
    if (format == "json") {
      json out = json::array();
      for (const auto& t : tries) {
        out.push_back({{"task", t.task}, {"try", t.try_number}, {"state", t.state}, {"start_ms", t.start_ms},
                       {"end_ms", t.end_ms}, {"log_file", t.log_file}, {"error", t.error}, {"run_id", t.run_id}});
      }
      std::cout << out.dump(2) << "\n";
      return Status::OK();
    }
    std::cout << fmt::format("{:<24} {:>3}  {:<16} {:<19}  {:>8}  {}\n", "task", "try", "state", "started", "took",
                             "log / error");
    for (const auto& t : tries) {
      std::cout << fmt::format("{:<24} {:>3}  {:<16} {:<19}  {:>8}  {}\n", t.task, t.try_number, t.state,
                               FormatTime(t.start_ms), FormatDuration(t.start_ms, t.end_ms),
                               t.error.empty() ? t.log_file : FirstLine(t.error));
    }
    return Status::OK();
  }
  MEDALLION_ASSIGN_OR_RETURN(auto runs, store.RecentDagRuns(dag, limit));
  json out = json::array();
  if (format != "json") {
    std::cout << fmt::format("{:<8} {:<10}  {:>5}  {:<8} {:<19}  {:>8}  {}\n", "dag", "date", "run", "state", "started",
                             "took", "failures");
  }
  for (const auto& run : runs) {
    MEDALLION_ASSIGN_OR_RETURN(auto tries, store.TaskInstancesOfRun(run.id));
    std::vector<std::string> failures;
    for (const auto& t : tries) {
      if (t.state == orch::kFailed) failures.push_back(fmt::format("{} try {}: {}", t.task, t.try_number, FirstLine(t.error)));
    }
    if (format == "json") {
      out.push_back({{"dag", run.dag}, {"logical_date", run.logical_date}, {"run_id", run.id}, {"state", run.state},
                     {"start_ms", run.start_ms}, {"end_ms", run.end_ms}, {"failures", failures}});
      continue;
    }
    std::cout << fmt::format("{:<8} {:<10}  {:>5}  {:<8} {:<19}  {:>8}  {}\n", run.dag, run.logical_date, run.id,
                             run.state, FormatTime(run.start_ms), FormatDuration(run.start_ms, run.end_ms),
                             failures.empty() ? "" : failures.back());
  }
  if (format == "json") std::cout << out.dump(2) << "\n";
  return Status::OK();
}

Status RunWatch(const GlobalOptions& globals, const DagFlags& flags, const std::string& folder, int interval_ms,
                int max_files) {
  MEDALLION_ASSIGN_OR_RETURN(auto dag, LoadDag(flags.dag));
  MEDALLION_ASSIGN_OR_RETURN(auto runner, OpenRunner(globals, flags));
  orch::FileTrigger trigger(folder);
  orch::CancellationToken never;
  std::cout << fmt::format("watching {} for trigger files (dag {})\n", folder, dag.name()) << std::flush;
  return trigger.Watch(std::chrono::milliseconds(interval_ms), never, [&](const orch::TriggerFile& file) -> Status {
    std::cout << fmt::format("{}: starting dag {} for {}\n", file.name, dag.name(), file.logical_date) << std::flush;
    MEDALLION_ASSIGN_OR_RETURN(auto run, runner->RunDag(dag, file.logical_date));
    PrintRun(run);
    std::cout << std::flush;
    return Status::OK();  // a failed run is recorded; keep watching
  }, max_files);
}

Status RunTask(const GlobalOptions& globals, DagFlags flags, const std::string& task, const std::string& date) {
  if (flags.dag.empty()) {
    MEDALLION_ASSIGN_OR_RETURN(auto spec, orch::FindDagWithTask(task));
    flags.dag = spec.name;
  }
  MEDALLION_ASSIGN_OR_RETURN(auto dag, LoadDag(flags.dag));
  MEDALLION_ASSIGN_OR_RETURN(auto runner, OpenRunner(globals, flags));
  MEDALLION_ASSIGN_OR_RETURN(auto outcome, runner->RunSingleTask(dag, task, date));
  std::cout << fmt::format("{}.{} {}: {}{}\n", dag.name(), task, date, outcome.state,
                           outcome.already_done ? " (already succeeded; --force re-runs it)" : "");
  if (outcome.state != orch::kSuccess) {
    return Status(outcome.code == StatusCode::kOk ? StatusCode::kInternal : outcome.code,
                  fmt::format("task {} for {} failed: {}", task, date, outcome.error));
  }
  return Status::OK();
}

void AddCommonFlags(CLI::App* cmd, DagFlags& flags, bool with_force) {
  cmd->add_option("--lake", flags.lake, "Lake root (default: lake.root from config, else ./lake)");
  cmd->add_option("--runs-dir", flags.runs_dir, "Local run-history directory (default: <lake>/_runs)");
  if (with_force) cmd->add_flag("--force", flags.force, "Re-run tasks that already succeeded for the date");
}

}  // namespace

void AddDagCommands(CLI::App& app, CommandContext& ctx) {
  auto* dag = app.add_subcommand("dag", "Run the daily DAG: single dates, backfills, run history");
  dag->require_subcommand(1);
  const char* kDag = "DAG name (daily, demo)";
  {
    auto* cmd = dag->add_subcommand("list", "The DAGs medallion knows");
    cmd->callback([&ctx] { ctx.run = Guarded([] { return RunList(); }); });
  }
  {
    auto flags = std::make_shared<DagFlags>();
    auto format = std::make_shared<std::string>("text");
    auto* cmd = dag->add_subcommand("graph", "Print a DAG's tasks in run order with their dependencies");
    cmd->add_option("--dag", flags->dag, kDag);
    cmd->add_option("--format", *format, "text or json")->check(CLI::IsMember({"text", "json"}));
    cmd->callback([&ctx, flags, format] { ctx.run = Guarded([flags, format] { return RunGraph(*flags, *format); }); });
  }
  {
    auto flags = std::make_shared<DagFlags>();
    auto date = std::make_shared<std::string>();
    auto* cmd = dag->add_subcommand("run", "Run a DAG for one logical date (skips tasks already done)");
    cmd->add_option("--dag", flags->dag, kDag);
    cmd->add_option("--date", *date, "Logical date, YYYY-MM-DD")->required();
    AddCommonFlags(cmd, *flags, true);
    cmd->callback([&ctx, flags, date] {
      ctx.run = Guarded([&ctx, flags, date] { return RunDagForDate(ctx.globals, *flags, *date); });
    });
  }
  {
    auto flags = std::make_shared<DagFlags>();
    auto from = std::make_shared<std::string>(), to = std::make_shared<std::string>();
    auto train_every = std::make_shared<int>(1);
    auto* cmd = dag->add_subcommand("backfill", "Run a DAG for every date in a range, in order; resumable");
    cmd->add_option("--dag", flags->dag, kDag);
    cmd->add_option("--from", *from, "First logical date, YYYY-MM-DD")->required();
    cmd->add_option("--to", *to, "Last logical date (included)")->required();
    cmd->add_option("--train-every-days", *train_every,
                    "daily DAG: train every N dates, counted back from --to (default 1: every date)")
        ->check(CLI::PositiveNumber);
    AddCommonFlags(cmd, *flags, true);
    cmd->callback([&ctx, flags, from, to, train_every] {
      ctx.run = Guarded([&ctx, flags, from, to, train_every] {
        return RunBackfill(ctx.globals, *flags, *from, *to, *train_every);
      });
    });
  }
  {
    auto flags = std::make_shared<DagFlags>();
    auto date = std::make_shared<std::string>(), format = std::make_shared<std::string>("text");
    auto limit = std::make_shared<int>(20);
    auto* cmd = dag->add_subcommand("status", "Recent runs with durations and failures, or one date's tries");
    cmd->add_option("--dag", flags->dag, "DAG name, or 'all'");
    cmd->add_option("--date", *date, "Show every try of every task for this date");
    cmd->add_option("--limit", *limit, "Runs to show (default 20)")->check(CLI::PositiveNumber);
    cmd->add_option("--format", *format, "text or json")->check(CLI::IsMember({"text", "json"}));
    AddCommonFlags(cmd, *flags, false);
    cmd->callback([&ctx, flags, date, limit, format] {
      ctx.run = Guarded(
          [&ctx, flags, date, limit, format] { return RunStatus(ctx.globals, *flags, *date, *limit, *format); });
    });
  }
  {
    auto flags = std::make_shared<DagFlags>();
    auto folder = std::make_shared<std::string>();
    auto interval = std::make_shared<int>(1000), max_files = std::make_shared<int>(-1);
    auto* cmd = dag->add_subcommand(
        "watch", "Run the DAG whenever a file is dropped in a folder (named YYYY-MM-DD... or holding a date)");
    cmd->add_option("--dag", flags->dag, kDag);
    cmd->add_option("--dir", *folder, "Folder to watch; handled files move to <dir>/processed/")->required();
    cmd->add_option("--interval-ms", *interval, "Polling interval (default 1000)")->check(CLI::PositiveNumber);
    cmd->add_option("--max-files", *max_files, "Stop after this many files (default: run until killed)");
    AddCommonFlags(cmd, *flags, true);
    cmd->callback([&ctx, flags, folder, interval, max_files] {
      ctx.run = Guarded([&ctx, flags, folder, interval, max_files] {
        return RunWatch(ctx.globals, *flags, *folder, *interval, *max_files);
      });
    });
  }

  auto flags = std::make_shared<DagFlags>();
  flags->dag.clear();
  auto name = std::make_shared<std::string>(), date = std::make_shared<std::string>();
  auto* task = app.add_subcommand("task", "Run one try of one DAG task for a date; exit code = outcome (for Airflow)");
  task->add_option("name", *name, "Task name (see `medallion dag graph`)")->required();
  task->add_option("--date", *date, "Logical date, YYYY-MM-DD")->required();
  task->add_option("--dag", flags->dag, "DAG the task belongs to (default: the first that has it)");
  AddCommonFlags(task, *flags, true);
  task->callback([&ctx, flags, name, date] {
    ctx.run = Guarded([&ctx, flags, name, date] { return RunTask(ctx.globals, *flags, *name, *date); });
  });
}

}  // namespace medallion::cli
