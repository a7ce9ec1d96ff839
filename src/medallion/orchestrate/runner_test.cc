#include "medallion/orchestrate/runner.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#include "medallion/orchestrate/dag_catalog.h"
#include "medallion/orchestrate/run_lock.h"
#include "medallion/orchestrate/test_support.h"

namespace medallion::orchestrate {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class RunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::ScratchDir("runner_test");
    runner_ = OpenRunner();
  }
  void TearDown() override {
    runner_.reset();
    fs::remove_all(dir_);
  }

  std::unique_ptr<Runner> OpenRunner(bool force = false) {
    RunnerOptions options;
    options.lake_root = (dir_ / "lake").string();
    options.runs_dir = (dir_ / "lake" / "_runs").string();
    options.force = force;
    options.cancel_grace = std::chrono::milliseconds(2000);
    auto runner = Runner::Open(options);
    EXPECT_TRUE(runner.ok()) << runner.status();
    return std::move(runner).value();
  }

  // A task that counts its calls and fails while `fail_first` calls are left.
  static Task Counting(const std::string& name, std::shared_ptr<std::atomic<int>> calls, int fail_first = 0,
                       int retries = 0) {
    Task task;
    task.name = name;
    task.retry.retries = retries;
    task.retry.initial_delay = std::chrono::milliseconds(1);
    task.retry.max_delay = std::chrono::milliseconds(4);
    task.run = [calls, fail_first, name](const TaskContext& ctx) -> Status {
      int call = ++*calls;
      ctx.log.Info("{} call {}", name, call);
      if (call <= fail_first) return Status::IOError(fmt::format("{} flaked on call {}", name, call));
      return Status::OK();
    };
    return task;
  }

  std::vector<std::string> States(const std::string& dag, const std::string& date, const std::string& task) {
    std::vector<std::string> states;
    for (const auto& ti : *runner_->store().TaskInstances(dag, date)) {
      if (ti.task == task) states.push_back(fmt::format("{}:{}", ti.try_number, ti.state));
    }
    return states;
  }

  fs::path dir_;
  std::unique_ptr<Runner> runner_;
};

TEST_F(RunnerTest, TaskThatFailsTwiceThenSucceedsEndsSuccessWithThreeTries) {
  auto calls = std::make_shared<std::atomic<int>>(0);
  Dag dag("d");
  ASSERT_TRUE(dag.AddTask(Counting("flaky", calls, 2, 3)).ok());
  auto run = runner_->RunDag(dag, "2024-01-01");
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->state, "success");
  ASSERT_EQ(run->tasks.size(), 1u);
  EXPECT_EQ(run->tasks[0].tries, 3);
  EXPECT_EQ(calls->load(), 3);
  EXPECT_THAT(States("d", "2024-01-01", "flaky"), ElementsAre("1:failed", "2:failed", "3:success"));

  auto tries = *runner_->store().TaskInstances("d", "2024-01-01");
  EXPECT_THAT(tries[0].error, HasSubstr("flaky flaked on call 1"));
  // One log file per try, each with what that try said.
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(tries[i].log_file, TaskLogPath(dir_ / "lake" / "_runs", "d", "flaky", "2024-01-01", i + 1));
    std::ifstream in(tries[i].log_file);
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_THAT(text.str(), HasSubstr(fmt::format("flaky call {}", i + 1)));
  }
  auto dag_run = *runner_->store().LatestDagRun("d", "2024-01-01");
  ASSERT_TRUE(dag_run.has_value());
  EXPECT_EQ(dag_run->state, "success");
  EXPECT_GE(dag_run->end_ms, dag_run->start_ms);
}

TEST_F(RunnerTest, AlwaysFailingTaskMarksItsDownstreamUpstreamFailed) {
  auto broken = std::make_shared<std::atomic<int>>(0), after = std::make_shared<std::atomic<int>>(0),
       independent = std::make_shared<std::atomic<int>>(0);
  Dag dag("d");
  ASSERT_TRUE(dag.AddTask(Counting("extract", broken, 1000, 1)).ok());
  ASSERT_TRUE(dag.AddTask(Counting("transform", after), {"extract"}).ok());
  ASSERT_TRUE(dag.AddTask(Counting("load", after), {"transform"}).ok());
  ASSERT_TRUE(dag.AddTask(Counting("audit", independent)).ok());
  auto run = runner_->RunDag(dag, "2024-01-01");
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->state, "failed");
  EXPECT_EQ(broken->load(), 2);  // one retry
  EXPECT_EQ(after->load(), 0);   // never started
  EXPECT_EQ(independent->load(), 1);
  EXPECT_THAT(States("d", "2024-01-01", "extract"), ElementsAre("1:failed", "2:failed"));
  EXPECT_THAT(States("d", "2024-01-01", "transform"), ElementsAre("0:upstream_failed"));
  EXPECT_THAT(States("d", "2024-01-01", "load"), ElementsAre("0:upstream_failed"));
  EXPECT_THAT(States("d", "2024-01-01", "audit"), ElementsAre("1:success"));
  EXPECT_THAT(run->ToStatus().message(), HasSubstr("extract failed after 2 tries"));
  EXPECT_THAT((*runner_->store().LatestDagRun("d", "2024-01-01"))->error, HasSubstr("extract"));

  // The next run retries only what did not succeed.
  auto again = runner_->RunDag(dag, "2024-01-01");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(independent->load(), 1);
  EXPECT_THAT(States("d", "2024-01-01", "extract"), ElementsAre("1:failed", "2:failed", "3:failed", "4:failed"));
}

TEST_F(RunnerTest, SucceededDateIsNotRunAgainUnlessForced) {
  auto calls = std::make_shared<std::atomic<int>>(0);
  Dag dag("d");
  ASSERT_TRUE(dag.AddTask(Counting("only", calls)).ok());
  ASSERT_TRUE(runner_->RunDag(dag, "2024-01-01").ok());
  auto second = runner_->RunDag(dag, "2024-01-01");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->state, "success");
  EXPECT_EQ(second->run_id, 0);
  EXPECT_TRUE(second->tasks[0].already_done);
  EXPECT_EQ(calls->load(), 1);
  EXPECT_EQ(runner_->store().RecentDagRuns("d", 10)->size(), 1u);

  ASSERT_TRUE(runner_->RunDag(dag, "2024-01-02").ok());
  EXPECT_EQ(calls->load(), 2);  // another date is another run

  runner_ = OpenRunner(/*force=*/true);
  ASSERT_TRUE(runner_->RunDag(dag, "2024-01-01").ok());
  EXPECT_EQ(calls->load(), 3);
  EXPECT_THAT(States("d", "2024-01-01", "only"), ElementsAre("1:success", "2:success"));
}

TEST_F(RunnerTest, TimeoutCancelsTheTaskAndFailsItWithReasonTimeout) {
  auto saw_cancel = std::make_shared<std::atomic<bool>>(false);
  Task slow;
  slow.name = "slow";
  slow.timeout = std::chrono::milliseconds(50);
  slow.run = [saw_cancel](const TaskContext& ctx) -> Status {
    if (!ctx.cancel.WaitFor(std::chrono::seconds(30))) {
      *saw_cancel = true;
      return ctx.cancel.Check();
    }
    return Status::OK();
  };
  auto calls = std::make_shared<std::atomic<int>>(0);
  Dag dag("d");
  ASSERT_TRUE(dag.AddTask(slow).ok());
  ASSERT_TRUE(dag.AddTask(Counting("after", calls), {"slow"}).ok());
  auto started = std::chrono::steady_clock::now();
  auto run = runner_->RunDag(dag, "2024-01-01");
  ASSERT_TRUE(run.ok()) << run.status();
  // Well below the task's 30 s: the timeout, not the task, ended the try.
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(20));
  EXPECT_TRUE(saw_cancel->load());
  EXPECT_EQ(run->tasks[0].state, "failed");
  EXPECT_THAT(run->tasks[0].error, HasSubstr("timeout"));
  EXPECT_EQ(run->tasks[1].state, "upstream_failed");
  auto tries = *runner_->store().TaskInstances("d", "2024-01-01");
  EXPECT_THAT(tries[0].error, HasSubstr("Timeout: timeout: task 'slow' ran longer than 50 ms"));
}

TEST_F(RunnerTest, TaskIgnoringCancellationIsAbandonedAfterTheGracePeriod) {
  RunnerOptions options = runner_->options();
  options.cancel_grace = std::chrono::milliseconds(20);
  auto runner = Runner::Open(options);
  ASSERT_TRUE(runner.ok());
  Task stubborn;
  stubborn.name = "stubborn";
  stubborn.timeout = std::chrono::milliseconds(20);
  stubborn.run = [](const TaskContext&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    return Status::OK();
  };
  Dag dag("d");
  ASSERT_TRUE(dag.AddTask(stubborn).ok());
  auto run = (*runner)->RunDag(dag, "2024-01-01");
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->tasks[0].state, "failed");
  EXPECT_THAT(run->tasks[0].error, HasSubstr("abandoned"));
  std::this_thread::sleep_for(std::chrono::milliseconds(400));  // let the detached thread finish
}

TEST_F(RunnerTest, PermanentErrorsAreNotRetried) {
  auto tries = std::make_shared<int>(0);
  Task waiting;
  waiting.name = "waiting";
  waiting.retry.retries = 3;
  waiting.retry.initial_delay = std::chrono::milliseconds(1);
  waiting.run = [tries](const TaskContext&) {
    ++*tries;
    return Status::NotImplemented("waiting for a stage");
  };
  Task after;
  after.name = "after";
  after.run = [](const TaskContext&) { return Status::OK(); };
  Dag dag("d");
  ASSERT_TRUE(dag.AddTask(waiting).ok());
  ASSERT_TRUE(dag.AddTask(after, {"waiting"}).ok());
  auto run = runner_->RunDag(dag, "2024-01-01");
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->state, "failed");
  EXPECT_EQ(run->tasks[0].tries, 1);
  EXPECT_EQ(*tries, 1);
  EXPECT_THAT(run->tasks[0].error, HasSubstr("waiting for a stage"));
  EXPECT_EQ(run->tasks[1].state, "upstream_failed");
}

TEST_F(RunnerTest, RetryDelaysGrowExponentiallyUpToTheCap) {
  RetryPolicy policy;
  policy.initial_delay = std::chrono::milliseconds(100);
  policy.multiplier = 3;
  policy.max_delay = std::chrono::milliseconds(1000);
  EXPECT_EQ(policy.DelayBefore(2).count(), 100);
  EXPECT_EQ(policy.DelayBefore(3).count(), 300);
  EXPECT_EQ(policy.DelayBefore(4).count(), 900);
  EXPECT_EQ(policy.DelayBefore(5).count(), 1000);
}

TEST_F(RunnerTest, BackfillRunsEachDateOnceInOrderAndStopsAtAFailure) {
  auto seen = std::make_shared<std::vector<std::string>>();
  auto source_ready = std::make_shared<bool>(false);
  Task record;
  record.name = "record";
  record.run = [seen, source_ready](const TaskContext& ctx) -> Status {
    seen->push_back(ctx.logical_date);
    if (ctx.logical_date == "2024-03-03" && !*source_ready) return Status::IOError("source not ready for 2024-03-03");
    return Status::OK();
  };
  Dag dag("d");
  ASSERT_TRUE(dag.AddTask(record).ok());
  auto first = runner_->Backfill(dag, "2024-02-28", "2024-03-05");
  ASSERT_TRUE(first.ok()) << first.status();
  // Leap year; stops at the failing date.
  EXPECT_THAT(*seen, ElementsAre("2024-02-28", "2024-02-29", "2024-03-01", "2024-03-02", "2024-03-03"));
  EXPECT_EQ(first->back().state, "failed");

  seen->clear();
  *source_ready = true;
  auto second = runner_->Backfill(dag, "2024-02-28", "2024-03-05");
  ASSERT_TRUE(second.ok());
  EXPECT_THAT(*seen, ElementsAre("2024-03-03", "2024-03-04", "2024-03-05"));
  EXPECT_EQ(second->size(), 7u);
  for (const auto& run : *second) EXPECT_EQ(run.state, "success") << run.logical_date;

  EXPECT_TRUE(runner_->Backfill(dag, "2024-03-05", "2024-03-01").status().IsInvalidArgument());
}

TEST_F(RunnerTest, RowsLeftRunningByADeadProcessAreFailedAndRetried) {
  // What a process killed mid-task leaves behind: a running dag_run and try.
  auto& store = runner_->store();
  int64_t run_id = *store.BeginDagRun("d", "2024-01-01");
  ASSERT_TRUE(store.BeginTry(run_id, "d", "work", "2024-01-01", 1, "").ok());

  auto calls = std::make_shared<std::atomic<int>>(0);
  Dag dag("d");
  ASSERT_TRUE(dag.AddTask(Counting("work", calls)).ok());
  auto run = runner_->RunDag(dag, "2024-01-01");
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->state, "success");
  EXPECT_THAT(States("d", "2024-01-01", "work"), ElementsAre("1:failed", "2:success"));
  auto tries = *store.TaskInstances("d", "2024-01-01");
  EXPECT_THAT(tries[0].error, HasSubstr("orphaned"));
  auto runs = *store.RecentDagRuns("d", 10);
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[1].state, "failed");
  EXPECT_EQ(runs[0].state, "success");
}

TEST_F(RunnerTest, RecoverOrphansLeavesDatesAnotherProcessHolds) {
  auto& store = runner_->store();
  ASSERT_TRUE(store.BeginDagRun("d", "2024-01-01").ok());
  ASSERT_TRUE(store.BeginDagRun("d", "2024-01-02").ok());
  auto held = RunLock::TryAcquire(runner_->options().runs_dir, "d", "2024-01-02");
  ASSERT_TRUE(held.ok());
  auto changed = runner_->RecoverOrphans();
  ASSERT_TRUE(changed.ok()) << changed.status();
  EXPECT_EQ(*changed, 1);
  EXPECT_EQ((*store.LatestDagRun("d", "2024-01-01"))->state, "failed");
  EXPECT_EQ((*store.LatestDagRun("d", "2024-01-02"))->state, "running");

  Dag dag("d");
  auto calls = std::make_shared<std::atomic<int>>(0);
  ASSERT_TRUE(dag.AddTask(Counting("work", calls)).ok());
  auto busy = runner_->RunDag(dag, "2024-01-02");
  EXPECT_TRUE(busy.status().IsConflict()) << busy.status();
  EXPECT_EQ(calls->load(), 0);
}

TEST_F(RunnerTest, SingleTaskRunsOneTryAndIgnoresRetries) {
  auto calls = std::make_shared<std::atomic<int>>(0);
  Dag dag("d");
  ASSERT_TRUE(dag.AddTask(Counting("first", calls)).ok());
  ASSERT_TRUE(dag.AddTask(Counting("flaky", calls, 1, 5), {"first"}).ok());
  auto failed = runner_->RunSingleTask(dag, "flaky", "2024-01-01");
  ASSERT_TRUE(failed.ok());
  EXPECT_EQ(failed->state, "failed");
  EXPECT_EQ(failed->tries, 1);
  auto ok = runner_->RunSingleTask(dag, "flaky", "2024-01-01");
  EXPECT_EQ(ok->state, "success");
  auto again = runner_->RunSingleTask(dag, "flaky", "2024-01-01");
  EXPECT_TRUE(again->already_done);
  EXPECT_EQ(calls->load(), 2);  // "first" never ran: the caller owns upstream order
  EXPECT_THAT(States("d", "2024-01-01", "flaky"), ElementsAre("1:failed", "2:success"));
  EXPECT_TRUE(runner_->RunSingleTask(dag, "nope", "2024-01-01").status().IsNotFound());
  EXPECT_TRUE(runner_->RunSingleTask(dag, "first", "2024-13-01").status().IsInvalidArgument());
}

}  // namespace
}  // namespace medallion::orchestrate
