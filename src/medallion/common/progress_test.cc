#include "medallion/common/progress.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>
#include <thread>
#include <vector>

namespace medallion {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

// A clock the test moves by hand, so no test sleeps.
struct FakeClock {
  ProgressOptions::Clock::time_point now{std::chrono::seconds(1000)};
  std::function<ProgressOptions::Clock::time_point()> Fn() {
    return [this] { return now; };
  }
};

// Captures what the default spdlog logger prints while it is alive.
class CapturedLog {
 public:
  CapturedLog() : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
    sink->set_pattern("%v");
    auto logger = std::make_shared<spdlog::logger>("capture", sink);
    logger->set_level(spdlog::level::info);
    spdlog::set_default_logger(logger);
  }
  ~CapturedLog() { spdlog::set_default_logger(previous_); }

  std::vector<std::string> Lines() const {
    std::vector<std::string> lines;
    std::istringstream in(out_.str());
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }

 private:
  std::shared_ptr<spdlog::logger> previous_;
  std::ostringstream out_;
};

TEST(ProgressStatsTest, RatePercentAndEta) {
  ProgressStats stats{.done = 500, .total = 2000, .elapsed_seconds = 2.0};
  EXPECT_DOUBLE_EQ(stats.rate_per_second(), 250.0);
  EXPECT_DOUBLE_EQ(*stats.percent(), 25.0);
  EXPECT_DOUBLE_EQ(*stats.eta_seconds(), 6.0);  // 1500 left at 250/s
}

TEST(ProgressStatsTest, EdgeCases) {
  ProgressStats unknown{.done = 10, .total = -1, .elapsed_seconds = 1.0};
  EXPECT_FALSE(unknown.percent().has_value());
  EXPECT_FALSE(unknown.eta_seconds().has_value());
  EXPECT_DOUBLE_EQ(unknown.rate_per_second(), 10.0);

  ProgressStats not_started{.done = 0, .total = 100, .elapsed_seconds = 0.0};
  EXPECT_DOUBLE_EQ(not_started.rate_per_second(), 0.0);
  EXPECT_FALSE(not_started.eta_seconds().has_value());

  ProgressStats overshoot{.done = 120, .total = 100, .elapsed_seconds = 1.0};
  EXPECT_DOUBLE_EQ(*overshoot.eta_seconds(), 0.0);
  ProgressStats empty{.done = 0, .total = 0, .elapsed_seconds = 0};
  EXPECT_DOUBLE_EQ(*empty.percent(), 100.0);
}

TEST(ProgressFormatTest, CompactCounts) {
  EXPECT_EQ(FormatCompactCount(0), "0");
  EXPECT_EQ(FormatCompactCount(999), "999");
  EXPECT_EQ(FormatCompactCount(0.5), "0.5");
  EXPECT_EQ(FormatCompactCount(150.4), "150");
  EXPECT_EQ(FormatCompactCount(1234), "1.23k");
  EXPECT_EQ(FormatCompactCount(12345), "12.3k");
  EXPECT_EQ(FormatCompactCount(123456), "123k");
  EXPECT_EQ(FormatCompactCount(999999), "1.00M");
  EXPECT_EQ(FormatCompactCount(1234567), "1.23M");
  EXPECT_EQ(FormatCompactCount(2.5e9), "2.50G");
  EXPECT_EQ(FormatCompactCount(-1500), "-1.50k");
}

TEST(ProgressFormatTest, Durations) {
  EXPECT_EQ(FormatDuration(7), "0:07");
  EXPECT_EQ(FormatDuration(754), "12:34");
  EXPECT_EQ(FormatDuration(3723), "1:02:03");
  EXPECT_EQ(FormatDuration(-1), "?");
}

TEST(ProgressTest, TerminalLineIsRedrawnAtMostEveryInterval) {
  FakeClock clock;
  std::vector<std::string> writes;
  {
    Progress progress("ingest orders", 1000, "rows",
                      {.interactive = true, .now = clock.Fn(), .write_terminal = [&](std::string_view s) {
                         writes.emplace_back(s);
                       }});
    clock.now += 1s;
    progress.Add(100);  // first Add draws
    ASSERT_EQ(writes.size(), 1u);
    EXPECT_EQ(writes[0].front(), '\r');
    EXPECT_THAT(writes[0], HasSubstr("ingest orders  100/1.00k rows  10.0%  100 rows/s  ETA 0:09"));

    clock.now += 50ms;
    progress.Add(100);  // too soon
    EXPECT_EQ(writes.size(), 1u);

    clock.now += 950ms;  // 2 s in, 300 done
    progress.SetDetail("bronze/orders v3");
    progress.Add(100);
    ASSERT_EQ(writes.size(), 2u);
    EXPECT_THAT(writes[1], HasSubstr("300/1.00k rows  30.0%  150 rows/s  ETA 0:05  bronze/orders v3"));
    EXPECT_THAT(writes[1], Not(HasSubstr("\n")));
  }  // the destructor finishes: one last line ending in a newline
  ASSERT_EQ(writes.size(), 3u);
  EXPECT_EQ(writes[2].back(), '\n');
  EXPECT_THAT(writes[2], HasSubstr("300/1.00k rows"));
}

TEST(ProgressTest, LogsEveryFiveSecondsAndOnceAtFinishWhenNotATerminal) {
  CapturedLog log;
  FakeClock clock;
  std::vector<std::string> terminal;
  Progress progress("backfill", -1, "days",
                    {.interactive = false, .now = clock.Fn(), .write_terminal = [&](std::string_view s) {
                       terminal.emplace_back(s);
                     }});
  for (int second = 1; second <= 12; ++second) {
    clock.now += 1s;
    progress.Add(2);
  }
  // Logged at 5 s and 10 s only.
  std::vector<std::string> lines = log.Lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "backfill  10 days  2 days/s");
  EXPECT_EQ(lines[1], "backfill  20 days  2 days/s");

  progress.Finish();
  progress.Finish();  // once only
  lines = log.Lines();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[2], "backfill: done, 24 days in 12.0s (2 days/s)");
  EXPECT_TRUE(terminal.empty());
}

TEST(ProgressTest, ShortCommandLogsOnlyTheFinalLine) {
  CapturedLog log;
  FakeClock clock;
  {
    Progress progress("optimize", 10, "files", {.interactive = false, .now = clock.Fn()});
    progress.Add(10);
    clock.now += 1s;
  }
  ASSERT_EQ(log.Lines().size(), 1u);
  EXPECT_THAT(log.Lines()[0], HasSubstr("optimize: done, 10 files in 1.0s"));
}

TEST(ProgressTest, ConcurrentAddsAreAllCounted) {
  CapturedLog log;
  Progress progress("parallel", 40000, "rows", {.interactive = false});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) progress.Add(1);
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(progress.done(), 40000);
  EXPECT_THAT(progress.Line(), HasSubstr("40.0k/40.0k rows  100.0%"));
}

}  // namespace
}  // namespace medallion
