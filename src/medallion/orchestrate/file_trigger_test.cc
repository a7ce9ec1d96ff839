#include "medallion/orchestrate/file_trigger.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "medallion/orchestrate/logical_date.h"
#include "medallion/orchestrate/runner.h"
#include "medallion/orchestrate/test_support.h"

namespace medallion::orchestrate {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;

class FileTriggerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::ScratchDir("file_trigger_test");
    inbox_ = dir_ / "inbox";
    fs::create_directories(inbox_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Drop(const std::string& name, const std::string& content = "") { std::ofstream(inbox_ / name) << content; }

  fs::path dir_, inbox_;
};

TEST_F(FileTriggerTest, ClaimsFilesInNameOrderMovesThemAndReadsTheirDates) {
  Drop("2024-05-02.trigger");
  Drop("b-manual", "2024-05-09\n");
  Drop("c-anything", "no date here");
  Drop(".hidden");
  Drop("upload.part");
  FileTrigger trigger(inbox_.string());
  auto claimed = trigger.Claim();
  ASSERT_TRUE(claimed.ok()) << claimed.status();
  ASSERT_EQ(claimed->size(), 3u);
  EXPECT_EQ((*claimed)[0].name, "2024-05-02.trigger");
  EXPECT_EQ((*claimed)[0].logical_date, "2024-05-02");
  EXPECT_EQ((*claimed)[1].logical_date, "2024-05-09");
  EXPECT_EQ((*claimed)[2].logical_date, TodayUtc());
  for (const auto& file : *claimed) {
    EXPECT_TRUE(fs::exists(file.processed_path)) << file.processed_path;
    EXPECT_FALSE(fs::exists(inbox_ / file.name));
    EXPECT_EQ(fs::path(file.processed_path).parent_path(), inbox_ / "processed");
  }
  EXPECT_TRUE(fs::exists(inbox_ / ".hidden"));
  EXPECT_TRUE(fs::exists(inbox_ / "upload.part"));
  EXPECT_TRUE(trigger.Claim()->empty());

  // The same name dropped again is kept apart from the first one.
  Drop("2024-05-02.trigger");
  auto again = trigger.Claim();
  ASSERT_EQ(again->size(), 1u);
  EXPECT_NE((*again)[0].processed_path, (*claimed)[0].processed_path);
  EXPECT_TRUE(fs::exists((*claimed)[0].processed_path));
}

TEST_F(FileTriggerTest, ADroppedFileStartsADagRunForItsDate) {
  RunnerOptions options;
  options.lake_root = (dir_ / "lake").string();
  options.runs_dir = (dir_ / "lake" / "_runs").string();
  auto runner = Runner::Open(options);
  ASSERT_TRUE(runner.ok());
  std::vector<std::string> ran;
  Task task;
  task.name = "work";
  task.run = [&ran](const TaskContext& ctx) {
    ran.push_back(ctx.logical_date);
    return Status::OK();
  };
  Dag dag("triggered");
  ASSERT_TRUE(dag.AddTask(task).ok());

  Drop("2024-06-01.go");
  Drop("2024-06-02.go");
  FileTrigger trigger(inbox_.string());
  CancellationToken cancel;
  Status st = trigger.Watch(std::chrono::milliseconds(5), cancel, [&](const TriggerFile& file) -> Status {
    MEDALLION_ASSIGN_OR_RETURN(auto run, (*runner)->RunDag(dag, file.logical_date));
    return run.ToStatus();
  }, /*max_files=*/1);
  ASSERT_TRUE(st.ok()) << st;
  EXPECT_THAT(ran, ElementsAre("2024-06-01"));
  // max_files=1 claimed only one file; the other waits for the next watch.
  EXPECT_TRUE(fs::exists(inbox_ / "2024-06-02.go"));
  EXPECT_EQ((*(*runner)->store().LatestDagRun("triggered", "2024-06-01"))->state, "success");

  std::thread dropper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    Drop("2024-06-03.go");
  });
  st = trigger.Watch(std::chrono::milliseconds(5), cancel, [&](const TriggerFile& file) -> Status {
    MEDALLION_ASSIGN_OR_RETURN(auto run, (*runner)->RunDag(dag, file.logical_date));
    return run.ToStatus();
  }, /*max_files=*/2);
  dropper.join();
  ASSERT_TRUE(st.ok()) << st;
  EXPECT_THAT(ran, ElementsAre("2024-06-01", "2024-06-02", "2024-06-03"));
}

TEST(LogicalDateTest, ParsesRealDaysOnlyAndBuildsRanges) {
  EXPECT_TRUE(ParseLogicalDate("2024-02-29").ok());
  EXPECT_TRUE(ParseLogicalDate("2023-02-29").status().IsInvalidArgument());
  EXPECT_TRUE(ParseLogicalDate("2024-1-01").status().IsInvalidArgument());
  EXPECT_TRUE(ParseLogicalDate("yesterday").status().IsInvalidArgument());
  EXPECT_THAT(*LogicalDateRange("2023-12-30", "2024-01-02"),
              ElementsAre("2023-12-30", "2023-12-31", "2024-01-01", "2024-01-02"));
  EXPECT_THAT(*LogicalDateRange("2024-01-02", "2024-01-02"), ElementsAre("2024-01-02"));
}

}  // namespace
}  // namespace medallion::orchestrate
