#include "medallion/transform/rfm_scores.h"

#include <arrow/api.h>
#include <gtest/gtest.h>

#include "medallion/transform/gold_columns.h"
#include "medallion/transform/gold_test_support.h"

namespace medallion::transform {
namespace {

using testing::Day;
using testing::MakeSilver;
using testing::SilverRow;

TEST(Ntile, MatchesSqlBucketSizes) {
  // 7 rows in 5 buckets: sizes 2, 2, 1, 1, 1.
  std::vector<int> buckets;
  for (int i = 0; i < 7; ++i) buckets.push_back(Ntile(5, i, 7));
  EXPECT_EQ(buckets, (std::vector<int>{1, 1, 2, 2, 3, 4, 5}));
  // Fewer rows than buckets: one row per bucket.
  EXPECT_EQ(Ntile(5, 0, 3), 1);
  EXPECT_EQ(Ntile(5, 2, 3), 3);
  // Exact multiple.
  EXPECT_EQ(Ntile(5, 9, 10), 5);
  EXPECT_EQ(Ntile(5, 1, 10), 1);
}

TEST(RfmSegment, Rules) {
  EXPECT_EQ(RfmSegment(5, 5), "champions");
  EXPECT_EQ(RfmSegment(3, 4), "loyal");
  EXPECT_EQ(RfmSegment(5, 1), "new");
  EXPECT_EQ(RfmSegment(1, 5), "at_risk");
  EXPECT_EQ(RfmSegment(2, 1), "hibernating");
  EXPECT_EQ(RfmSegment(3, 1), "needs_attention");
}

TEST(CustomerRfm, ScoresRecencyFrequencyMonetary) {
  // Customer c orders c times, the last one (10 - c) days before 2026-01-20,
  // for c * 10 per order: customer 5 is the most recent, most frequent and
  // biggest spender.
  std::vector<SilverRow> rows;
  for (int c = 1; c <= 5; ++c) {
    for (int k = 0; k < c; ++k) {
      int32_t day = Day("2026-01-20") - (10 - c) - k;
      SilverRow r{.customer_id = c, .unit_price = 10.0 * c};
      r.date = ingest::FormatDate(day);
      rows.push_back(r);
    }
  }
  rows.push_back({.event_type = "product_viewed", .date = "2026-01-20", .customer_id = 9});  // not an order
  rows.push_back({.date = "2026-01-25", .customer_id = 1});  // after as-of: ignored
  auto out = CustomerRfm(MakeSilver(rows), Day("2026-01-20"));
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ((*out)->num_rows(), 5);
  EXPECT_EQ(*ReadInt64(**out, "customer_id"), (std::vector<int64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(*ReadInt64(**out, "recency_days"), (std::vector<int64_t>{9, 8, 7, 6, 5}));
  EXPECT_EQ(*ReadInt64(**out, "frequency"), (std::vector<int64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(*ReadDouble(**out, "monetary"), (std::vector<double>{10, 40, 90, 160, 250}));
  EXPECT_EQ(*ReadInt64(**out, "r_score"), (std::vector<int64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(*ReadInt64(**out, "f_score"), (std::vector<int64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(*ReadInt64(**out, "m_score"), (std::vector<int64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(*ReadString(**out, "rfm_score"), (std::vector<std::string>{"111", "222", "333", "444", "555"}));
  EXPECT_EQ(*ReadString(**out, "segment"),
            (std::vector<std::string>{"hibernating", "hibernating", "loyal", "champions", "champions"}));
  EXPECT_EQ(*ReadBool(**out, "vip"), (std::vector<bool>{false, false, false, false, true}));
}

}  // namespace
}  // namespace medallion::transform
