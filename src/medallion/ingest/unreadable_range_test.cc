#include "medallion/ingest/unreadable_range.h"

#include <gtest/gtest.h>

namespace medallion::ingest {
namespace {

// Plays a log where offsets [bad_from, bad_to] fail and everything else
// reads; returns the settled end and how many fetches it took.
std::pair<int64_t, int> Search(int64_t start, int64_t bad_to, int64_t high) {
  UnreadableRange range(start, start, "bad compression");
  // The first probe checks `start` itself.
  EXPECT_EQ(range.NextProbe(high), start);
  range.Failed();
  EXPECT_TRUE(range.confirmed());
  int fetches = 0;
  while (!range.settled()) {
    auto probe = range.NextProbe(high);
    EXPECT_TRUE(probe);
    if (!probe || ++fetches > 200) break;
    EXPECT_GT(*probe, start);
    EXPECT_LE(*probe, high);
    if (*probe <= bad_to) {
      range.Failed();
    } else {
      range.Read();
    }
  }
  return {range.settled() ? range.end() : -1, fetches};
}

TEST(UnreadableRange, FindsTheFirstOffsetPastTheBatch) {
  for (int64_t last : {100, 101, 102, 103, 117, 355, 1099}) {
    SCOPED_TRACE(last);
    auto [end, fetches] = Search(100, last, 5000);
    EXPECT_EQ(end, last + 1);
    EXPECT_LE(fetches, 2 * 11 + 2);  // about 2 log2(n)
  }
}

TEST(UnreadableRange, ABatchAtTheEndOfTheLogEndsThere) {
  // The probe never passes the high watermark; a fetch there reports the
  // partition's end, which reads as "past".
  auto [end, fetches] = Search(40, 49, 50);
  EXPECT_EQ(end, 50);
  auto [single, one_fetch] = Search(49, 49, 50);
  EXPECT_EQ(single, 50);
  EXPECT_EQ(one_fetch, 1);  // after the check of `start`
}

TEST(UnreadableRange, AStartThatReadsClearsTheSearch) {
  // librdkafka failed on a batch, but the first offset ingest needs reads
  // (it was refetching older offsets, or failed once by fluke).
  UnreadableRange range(10, 8, "x");
  EXPECT_EQ(range.NextProbe(1000), 10);
  range.Read();
  EXPECT_TRUE(range.cleared());
  EXPECT_FALSE(range.settled());
  EXPECT_FALSE(range.NextProbe(1000));
}

TEST(UnreadableRange, OffsetsLibrdkafkaSkippedByItselfAreTheBatch) {
  UnreadableRange range(10, 10, "CRC");
  ASSERT_EQ(range.NextProbe(1000), 10);
  range.SkippedTo(17);  // the next record librdkafka delivered
  ASSERT_TRUE(range.settled());
  EXPECT_EQ(range.end(), 17);
}

// A probe answered by a later offset (a marker or compacted offsets after
// it) says nothing about the offsets below the probe: a record between the
// last failed probe and it must not be called unreadable.
TEST(UnreadableRange, AProbeAnsweredFurtherOnDoesNotSwallowWhatLiesBelowIt) {
  UnreadableRange range(100, 100, "bad compression");  // batch 100..105, record 106, marker 107
  ASSERT_EQ(range.NextProbe(1000), 100);
  range.Failed();
  int64_t probe = *range.NextProbe(1000);
  while (!range.settled()) {
    if (probe <= 105) {
      range.Failed();
    } else {
      range.Read();  // 107 is answered by 108, past the marker
    }
    auto next = range.NextProbe(1000);
    if (!next) break;
    probe = *next;
  }
  ASSERT_TRUE(range.settled());
  EXPECT_EQ(range.end(), 106);
}

TEST(UnreadableRange, KeepsItsProbeUntilAnswered) {
  UnreadableRange range(10, 8, "x");
  ASSERT_EQ(range.NextProbe(1000), 10);
  range.Failed();
  auto first = range.NextProbe(1000);
  ASSERT_TRUE(first);
  EXPECT_EQ(range.NextProbe(1000), first);  // asked again before an answer
  EXPECT_EQ(range.start(), 10);
  EXPECT_EQ(range.base(), 8);
}

}  // namespace
}  // namespace medallion::ingest
