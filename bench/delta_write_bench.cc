// medallion side of bench/delta_write.py (see bench/README.md):
//   medallion_write    10 M retail events from memory into a new partitioned
//                      table (create + one append commit), rows/s
//   load_snapshot/*    latest snapshot of a 10 000-commit table, with
//                      checkpoints every 10 commits and with JSON commits only
// The driver runs delta-rs on the same input and tables and prints ratios.
//
// Own flags (before Google Benchmark's):
//   --events=PATH        Parquet input from bench/retail_events.py (required)
//   --workdir=DIR        where tables go (default bench/out)
//   --appends=N          commits of the long-log tables (default 10000; 0: skip)
//   --write-reps=N       repetitions of the write (default 3; 0: skip)
//   --snapshot-reps=N    repetitions of each snapshot load (default 7)
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <arrow/api.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "bench/commit_log_builder.h"
#include "bench/events_file.h"
#include "medallion/delta/log_replay.h"
#include "medallion/delta/table.h"

namespace medallion::bench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Flags {
  std::string events;
  std::string workdir = "bench/out";
  int64_t appends = 10000;
  int write_reps = 3;
  int snapshot_reps = 7;
};

// Takes our flags out of argv so Google Benchmark sees only its own.
Flags ParseFlags(int* argc, char** argv) {
  Flags flags;
  std::vector<char*> rest = {argv[0]};
  for (int i = 1; i < *argc; ++i) {
    std::string_view arg = argv[i];
    auto value = [&](std::string_view name) -> std::optional<std::string> {
      if (arg.substr(0, name.size()) == name) return std::string(arg.substr(name.size()));
      return std::nullopt;
    };
    if (auto v = value("--events=")) {
      flags.events = *v;
    } else if (auto v = value("--workdir=")) {
      flags.workdir = *v;
    } else if (auto v = value("--appends=")) {
      flags.appends = std::stoll(*v);
    } else if (auto v = value("--write-reps=")) {
      flags.write_reps = std::stoi(*v);
    } else if (auto v = value("--snapshot-reps=")) {
      flags.snapshot_reps = std::stoi(*v);
    } else {
      rest.push_back(argv[i]);
    }
  }
  *argc = static_cast<int>(rest.size());
  for (size_t i = 0; i < rest.size(); ++i) argv[i] = rest[i];
  return flags;
}

[[noreturn]] void Die(const Status& status) {
  std::cerr << "delta_write_bench: " << status << std::endl;
  std::exit(1);
}

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Creates the table and appends all events in one commit; the table
// creation is timed too because write_deltalake's single commit includes it.
void BM_MedallionWrite(benchmark::State& state, std::shared_ptr<arrow::Table> events, std::string root) {
  for (auto _ : state) {
    fs::remove_all(root);
    auto start = Clock::now();
    auto store = storage::OpenObjectStore(root);
    if (!store.ok()) Die(store.status());
    delta::CreateOptions create;
    create.schema = events->schema();
    create.partition_columns = {"event_date"};
    auto table = delta::Table::Create(*store, create);
    if (!table.ok()) Die(table.status());
    auto written = (*table)->Append(events);
    if (!written.ok()) Die(written.status());
    double seconds = SecondsSince(start);
    state.SetIterationTime(seconds);
    if (written->num_rows != events->num_rows()) {
      Die(Status::Internal(fmt::format("wrote {} rows of {}", written->num_rows, events->num_rows())));
    }
    state.counters["rows_per_second"] = static_cast<double>(written->num_rows) / seconds;
    state.counters["files"] = static_cast<double>(written->num_files);
    state.counters["bytes"] = static_cast<double>(written->num_bytes);
  }
}

void BM_LoadSnapshot(benchmark::State& state, std::string root) {
  for (auto _ : state) {
    auto start = Clock::now();
    auto store = storage::OpenObjectStore(root);
    if (!store.ok()) Die(store.status());
    auto snapshot = delta::LoadSnapshot(**store);
    if (!snapshot.ok()) Die(snapshot.status());
    state.SetIterationTime(SecondsSince(start));
    state.counters["version"] = static_cast<double>((*snapshot)->version());
    state.counters["files"] = static_cast<double>((*snapshot)->files().size());
  }
}

// Builds the long-log table unless a finished one is there (building takes
// far longer than loading, and the log never changes between runs).
// `copy_commits_from`: a finished checkpointed log of the same length whose
// commits a JSON-only log may copy.
void EnsureCommitLog(const std::string& root, const std::function<std::shared_ptr<arrow::Table>()>& events,
                     int64_t appends, bool checkpoints, const std::string& copy_commits_from) {
  const std::string marker = root + ".complete";
  const std::string expected = fmt::format("{} appends, checkpoints {}", appends, checkpoints ? "on" : "off");
  std::ifstream in(marker);
  std::string seen;
  if (in && std::getline(in, seen) && seen == expected) return;
  fs::remove_all(root);
  auto start = Clock::now();
  if (!checkpoints && !copy_commits_from.empty()) {
    // The same log without checkpoints: copying the commit files is far
    // cheaper than committing 10 000 times again (each commit is fsync'ed).
    fs::create_directories(root + "/_delta_log");
    for (const auto& entry : fs::directory_iterator(copy_commits_from + "/_delta_log")) {
      if (entry.path().extension() == ".json") {
        fs::copy_file(entry.path(), root + "/_delta_log/" + entry.path().filename().string());
      }
    }
  } else {
    CommitLogOptions options;
    options.appends = appends;
    options.checkpoints = checkpoints;
    auto latest = BuildCommitLog(root, events(), options);
    if (!latest.ok()) Die(latest.status().WithContext(root));
  }
  std::cerr << fmt::format("built {} ({}) in {:.1f} s\n", root, expected, SecondsSince(start));
  std::ofstream(marker) << expected << "\n";
}

}  // namespace
}  // namespace medallion::bench

int main(int argc, char** argv) {
  using namespace medallion::bench;
  Flags flags = ParseFlags(&argc, argv);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  if (flags.events.empty()) {
    std::cerr << "delta_write_bench: --events=PATH is required (bench/delta_write.py writes it)\n";
    return 1;
  }
  // The 10 M rows are loaded only when something needs them: snapshot-only
  // runs on already built logs (e.g. under a profiler) skip the load.
  std::shared_ptr<arrow::Table> events;
  auto get_events = [&]() -> std::shared_ptr<arrow::Table> {
    if (events) return events;
    auto start = Clock::now();
    auto loaded = LoadEventsTable(flags.events);
    if (!loaded.ok()) Die(loaded.status());
    std::cerr << fmt::format("loaded {} rows from {} in {:.1f} s\n", (*loaded)->num_rows(), flags.events,
                             SecondsSince(start));
    events = *loaded;
    return events;
  };
  fs::create_directories(flags.workdir);

  if (flags.write_reps > 0) {
    benchmark::RegisterBenchmark(fmt::format("medallion_write/rows:{}", get_events()->num_rows()).c_str(),
                                 BM_MedallionWrite, get_events(), flags.workdir + "/write_medallion")
        ->UseManualTime()
        ->MeasureProcessCPUTime()
        ->Unit(benchmark::kMillisecond)
        ->Iterations(1)
        ->Repetitions(flags.write_reps);
  }
  if (flags.appends > 0) {
    for (bool checkpoints : {true, false}) {
      const std::string name = checkpoints ? "checkpointed" : "json_only";
      const std::string root = fmt::format("{}/log{}_{}", flags.workdir, flags.appends, name);
      EnsureCommitLog(root, get_events, flags.appends, checkpoints,
                      checkpoints ? "" : fmt::format("{}/log{}_checkpointed", flags.workdir, flags.appends));
      // Warm the page cache once, as the delta-rs side does, so both time
      // the engine rather than the disk.
      auto store = medallion::storage::OpenObjectStore(root);
      if (!store.ok() || !medallion::delta::LoadSnapshot(**store).ok()) Die(medallion::Status::Internal(root));
      benchmark::RegisterBenchmark(fmt::format("load_snapshot/{}/commits:{}", name, flags.appends).c_str(),
                                   BM_LoadSnapshot, root)
          ->UseManualTime()
          ->MeasureProcessCPUTime()
          ->Unit(benchmark::kMillisecond)
          ->Iterations(1)
          ->Repetitions(flags.snapshot_reps);
    }
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
