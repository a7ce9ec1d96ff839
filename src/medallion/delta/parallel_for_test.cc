#include "medallion/delta/parallel_for.h"

#include <gtest/gtest.h>

#include <atomic>
#include <vector>

namespace medallion::delta {
namespace {

TEST(ParallelFor, RunsEveryTaskOnce) {
  std::vector<std::atomic<int>> calls(100);
  ASSERT_TRUE(ParallelFor(calls.size(), [&](size_t i) {
                ++calls[i];
                return Status::OK();
              }).ok());
  for (const auto& count : calls) EXPECT_EQ(count.load(), 1);
  EXPECT_TRUE(ParallelFor(0, [](size_t) { return Status::Internal("never called"); }).ok());
}

TEST(ParallelFor, ReturnsTheLowestNumberedFailure) {
  std::atomic<int> started{0};
  Status status = ParallelFor(50, [&](size_t i) {
    ++started;
    if (i == 3 || i == 4) return Status::InvalidArgument("task " + std::to_string(i));
    return Status::OK();
  });
  EXPECT_TRUE(status.IsInvalidArgument()) << status;
  EXPECT_EQ(status.message(), "task 3");
  EXPECT_LT(started.load(), 50);  // no new task after a failure
}

}  // namespace
}  // namespace medallion::delta
