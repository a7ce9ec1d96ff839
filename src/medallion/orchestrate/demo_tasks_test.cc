#include "medallion/orchestrate/demo_tasks.h"

#include <arrow/api.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "medallion/delta/table.h"
#include "medallion/orchestrate/dag_catalog.h"
#include "medallion/orchestrate/runner.h"
#include "medallion/orchestrate/test_support.h"

namespace medallion::orchestrate {
namespace {

namespace fs = std::filesystem;

class DemoDagTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::ScratchDir("demo_dag_test");
    RegisterBuiltinTasks(registry_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<Runner> OpenRunner(bool force) {
    RunnerOptions options;
    options.lake_root = (dir_ / "lake").string();
    options.runs_dir = (dir_ / "lake" / "_runs").string();
    options.force = force;
    return std::move(Runner::Open(options)).value();
  }

  int64_t Rows(const std::string& table) {
    auto t = delta::Table::Open((dir_ / "lake" / table).string());
    EXPECT_TRUE(t.ok()) << t.status();
    auto rows = delta::ScanToTable((*t)->store(), *(*t)->snapshot(), {});
    EXPECT_TRUE(rows.ok()) << rows.status();
    return (*rows)->num_rows();
  }

  fs::path dir_;
  TaskRegistry registry_;
};

TEST_F(DemoDagTest, RunsEndToEndAndAForcedReRunDoesNotDuplicateRows) {
  auto dag = BuildDag(*FindDag("demo"), registry_);
  ASSERT_TRUE(dag.ok()) << dag.status();
  auto runner = OpenRunner(false);
  auto backfill = runner->Backfill(*dag, "2024-01-01", "2024-01-02");
  ASSERT_TRUE(backfill.ok()) << backfill.status();
  ASSERT_EQ(backfill->size(), 2u);
  for (const auto& run : *backfill) ASSERT_TRUE(run.ok()) << run.ToStatus();
  EXPECT_EQ(Rows("demo/bronze_events"), 2 * kDemoEventsPerDay);
  EXPECT_EQ(Rows("demo/silver_daily"), 2);

  auto forced = OpenRunner(true)->RunDag(*dag, "2024-01-01");
  ASSERT_TRUE(forced.ok()) << forced.status();
  ASSERT_TRUE(forced->ok()) << forced->ToStatus();
  EXPECT_EQ(Rows("demo/bronze_events"), 2 * kDemoEventsPerDay);
  EXPECT_EQ(Rows("demo/silver_daily"), 2);
  for (const auto& task : forced->tasks) EXPECT_EQ(task.tries, 1) << task.task;
}

TEST_F(DemoDagTest, CheckFailsWhenSilverIsMissingTheDay) {
  auto check = registry_.Create("demo_check");
  ASSERT_TRUE(check.ok());
  Dag dag("partial");
  check->retry.retries = 0;
  ASSERT_TRUE(dag.AddTask(*registry_.Create("demo_ingest")).ok());
  ASSERT_TRUE(dag.AddTask(*registry_.Create("demo_silver"), {"demo_ingest"}).ok());
  ASSERT_TRUE(dag.AddTask(*check, {"demo_silver"}).ok());
  auto runner = OpenRunner(false);
  ASSERT_TRUE(runner->RunDag(dag, "2024-01-01")->ok());
  // Silver has 2024-01-01 only; checking another day is a real failure.
  auto single = runner->RunSingleTask(dag, "demo_check", "2024-01-05");
  ASSERT_TRUE(single.ok());
  EXPECT_EQ(single->state, "failed");
  EXPECT_THAT(single->error, ::testing::HasSubstr("0 rows for day 2024-01-05"));
}

}  // namespace
}  // namespace medallion::orchestrate
