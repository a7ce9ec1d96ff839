#include "medallion/ingest/recycling_pool.h"

#include <arrow/api.h>
#include <gtest/gtest.h>

#include <cstring>

namespace medallion::ingest {
namespace {

constexpr int64_t kMiB = int64_t{1} << 20;

TEST(RecyclingMemoryPool, ReusesAFreedLargeBlockAndKeepsItsBytes) {
  RecyclingMemoryPool pool(arrow::default_memory_pool(), 64 * kMiB);
  uint8_t* first = nullptr;
  ASSERT_TRUE(pool.Allocate(8 * kMiB, &first).ok());
  pool.Free(first, 8 * kMiB);
  uint8_t* second = nullptr;
  ASSERT_TRUE(pool.Allocate(6 * kMiB, &second).ok());
  EXPECT_EQ(second, first);
  EXPECT_EQ(pool.reuses(), 1);
  // Growing within the block's capacity keeps the block and its contents.
  std::memset(second, 'x', 6 * kMiB);
  uint8_t* grown = second;
  ASSERT_TRUE(pool.Reallocate(6 * kMiB, 8 * kMiB, &grown).ok());
  EXPECT_EQ(grown, first);
  // Growing past it moves the bytes to a new block.
  ASSERT_TRUE(pool.Reallocate(8 * kMiB, 20 * kMiB, &grown).ok());
  EXPECT_NE(grown, first);
  EXPECT_EQ(grown[0], 'x');
  EXPECT_EQ(grown[6 * kMiB - 1], 'x');
  pool.Free(grown, 20 * kMiB);
}

TEST(RecyclingMemoryPool, SmallBlocksAndBlocksBeyondTheCacheGoBackToTheBasePool) {
  RecyclingMemoryPool pool(arrow::default_memory_pool(), 4 * kMiB);
  const int64_t before = arrow::default_memory_pool()->bytes_allocated();
  uint8_t* small = nullptr;
  uint8_t* big = nullptr;
  ASSERT_TRUE(pool.Allocate(1024, &small).ok());
  ASSERT_TRUE(pool.Allocate(16 * kMiB, &big).ok());
  pool.Free(small, 1024);
  pool.Free(big, 16 * kMiB);  // over the 4 MiB cache: released
  EXPECT_EQ(arrow::default_memory_pool()->bytes_allocated(), before);
  uint8_t* again = nullptr;
  ASSERT_TRUE(pool.Allocate(16 * kMiB, &again).ok());
  EXPECT_EQ(pool.reuses(), 0);
  pool.Free(again, 16 * kMiB);
}

TEST(RecyclingMemoryPool, ArrowBuffersBuiltTwiceReuseTheFirstBuffersMemory) {
  RecyclingMemoryPool pool(arrow::default_memory_pool(), 64 * kMiB);
  const std::string value(300, 'v');
  for (int round = 0; round < 2; ++round) {
    arrow::BinaryBuilder builder(&pool);
    ASSERT_TRUE(builder.ReserveData(10'000 * 300).ok());
    for (int i = 0; i < 10'000; ++i) ASSERT_TRUE(builder.Append(value).ok());
    auto array = builder.Finish().ValueOrDie();
    EXPECT_EQ(std::static_pointer_cast<arrow::BinaryArray>(array)->GetView(9'999), value);
  }
  EXPECT_GE(pool.reuses(), 1);
}

}  // namespace
}  // namespace medallion::ingest
