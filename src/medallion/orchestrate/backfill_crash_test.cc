// kill -9 in the middle of a backfill, then run it again: every date must end
// up run to success exactly once, in order. The backfilling process is this
// same test binary, re-executed with a filter that selects the child test.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <map>

#include "medallion/orchestrate/logical_date.h"
#include "medallion/orchestrate/runner.h"
#include "medallion/orchestrate/test_support.h"

namespace medallion::orchestrate {
namespace {

namespace fs = std::filesystem;

constexpr const char* kChildDirEnv = "MEDALLION_BACKFILL_CRASH_DIR";
constexpr const char* kFrom = "2024-01-01";
constexpr const char* kTo = "2024-01-30";

// A slow task whose visible effect is one line per completed date.
Dag SlowDag(const fs::path& dir) {
  Task slow;
  slow.name = "slow";
  std::string completions = (dir / "completions.txt").string();
  slow.run = [completions](const TaskContext& ctx) -> Status {
    if (!ctx.cancel.WaitFor(std::chrono::milliseconds(60))) return ctx.cancel.Check();
    int fd = ::open(completions.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd < 0) return Status::IOError("cannot open " + completions);
    std::string line = ctx.logical_date + "\n";
    bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
    ::close(fd);
    return written ? Status::OK() : Status::IOError("short write to " + completions);
  };
  Dag dag("crashy");
  EXPECT_TRUE(dag.AddTask(slow).ok());
  return dag;
}

RunnerOptions Options(const fs::path& dir) {
  RunnerOptions options;
  options.lake_root = (dir / "lake").string();
  options.runs_dir = (dir / "lake" / "_runs").string();
  return options;
}

std::vector<std::string> Completions(const fs::path& dir) {
  std::ifstream in(dir / "completions.txt");
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The child half: runs only when the parent re-executes this binary.
TEST(BackfillCrashChild, RunBackfill) {
  const char* dir = std::getenv(kChildDirEnv);
  if (dir == nullptr) GTEST_SKIP() << "runs only as the child of BackfillCrashTest";
  auto runner = Runner::Open(Options(dir));
  ASSERT_TRUE(runner.ok()) << runner.status();
  auto backfill = (*runner)->Backfill(SlowDag(dir), kFrom, kTo);
  ASSERT_TRUE(backfill.ok()) << backfill.status();
}

TEST(BackfillCrashTest, KilledBackfillResumesAndRunsEachDateExactlyOnce) {
  fs::path dir = testing::ScratchDir("backfill_crash_test");
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::setenv(kChildDirEnv, dir.c_str(), 1);
    ::execl("/proc/self/exe", "backfill-child", "--gtest_filter=BackfillCrashChild.RunBackfill", nullptr);
    ::_exit(127);
  }

  // Kill it once some dates are done, so some are not.
  RunnerOptions options = Options(dir);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  size_t done_before_kill = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    done_before_kill = Completions(dir).size();
    if (done_before_kill >= 8) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_EQ(::kill(child, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the child finished before it was killed (status " << status << ")";
  done_before_kill = Completions(dir).size();
  ASSERT_GE(done_before_kill, 8u);
  ASSERT_LT(done_before_kill, 30u);

  // Restart: a new runner on the same lake, the same backfill.
  auto runner = Runner::Open(options);
  ASSERT_TRUE(runner.ok()) << runner.status();
  auto backfill = (*runner)->Backfill(SlowDag(dir), kFrom, kTo);
  ASSERT_TRUE(backfill.ok()) << backfill.status();
  ASSERT_EQ(backfill->size(), 30u);

  auto dates = *LogicalDateRange(kFrom, kTo);
  auto& store = (*runner)->store();
  for (const auto& date : dates) {
    auto tries = *store.TaskInstances("crashy", date);
    int successes = 0;
    for (const auto& t : tries) successes += t.state == "success";
    EXPECT_EQ(successes, 1) << date;
    EXPECT_EQ((*store.LatestDagRun("crashy", date))->state, "success") << date;
  }
  // In order: every try of a date was recorded before any try of the next
  // date, across both processes (row ids grow with insertion).
  int64_t last_id_of_previous_date = 0;
  for (const auto& date : dates) {
    auto tries = *store.TaskInstances("crashy", date);
    ASSERT_FALSE(tries.empty()) << date;
    EXPECT_GT(tries.front().id, last_id_of_previous_date) << date;
    last_id_of_previous_date = tries.back().id;
  }
  // The effect: every date completed, each once. A date can appear twice only
  // if the kill landed between the task's write and its success record, a
  // window of microseconds; anything more would mean the resume re-ran work.
  std::map<std::string, int> completed;
  for (const auto& line : Completions(dir)) ++completed[line];
  ASSERT_EQ(completed.size(), 30u);
  int duplicates = 0;
  for (const auto& [date, n] : completed) duplicates += n - 1;
  EXPECT_LE(duplicates, 1);
  // Nothing is left running.
  EXPECT_TRUE(store.RunningDates()->empty());
  fs::remove_all(dir);
}

}  // namespace
}  // namespace medallion::orchestrate
