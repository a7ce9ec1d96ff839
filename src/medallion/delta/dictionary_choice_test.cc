#include "medallion/delta/dictionary_choice.h"

#include <arrow/api.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace medallion::delta {
namespace {

TEST(ExpectedDistinct, RecoversTheSetSizeOfUniformDraws) {
  // 65 536 uniform draws from 50 000 values show about 36 500 distinct ones.
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int> pick(0, 49'999);
  std::vector<bool> seen(50'000);
  int64_t distinct = 0;
  for (int i = 0; i < 65'536; ++i) {
    int v = pick(rng);
    if (!seen[v]) seen[v] = true, ++distinct;
  }
  const double in_file = ExpectedDistinct(distinct, 65'536, 333'000);
  EXPECT_GT(in_file, 48'000);
  EXPECT_LT(in_file, 51'000);  // sampling noise: within 2 %
  // No repeat in the sample: assume every row is new.
  EXPECT_DOUBLE_EQ(ExpectedDistinct(1000, 1000, 5000), 5000);
  // A sample that is the whole data predicts itself.
  EXPECT_NEAR(ExpectedDistinct(10, 1000, 1000), 10, 0.01);
  EXPECT_EQ(ExpectedDistinct(0, 0, 100), 0);
}

std::shared_ptr<arrow::Table> Sample(int64_t rows) {
  arrow::Int64Builder ids, few;
  arrow::StringBuilder uuids, cities;
  arrow::BooleanBuilder flags;
  for (int64_t i = 0; i < rows; ++i) {
    EXPECT_TRUE(ids.Append(i * 7919).ok());
    EXPECT_TRUE(few.Append(i % 100).ok());
    EXPECT_TRUE(uuids.Append("event-" + std::to_string(i * 104729) + "-0123456789abcdef").ok());
    EXPECT_TRUE((i % 10 == 0 ? cities.AppendNull() : cities.Append(i % 3 ? "Berlin" : "Paris")).ok());
    EXPECT_TRUE(flags.Append(i % 2 == 0).ok());
  }
  auto schema = arrow::schema({arrow::field("id", arrow::int64()), arrow::field("few", arrow::int64()),
                               arrow::field("uuid", arrow::utf8()), arrow::field("city", arrow::utf8()),
                               arrow::field("flag", arrow::boolean())});
  return arrow::Table::Make(schema, {ids.Finish().ValueOrDie(), few.Finish().ValueOrDie(),
                                     uuids.Finish().ValueOrDie(), cities.Finish().ValueOrDie(),
                                     flags.Finish().ValueOrDie()});
}

TEST(ChooseDictionaries, UniqueColumnsGoPlainAndSmallStringSetsShareADictionary) {
  auto choice = ChooseDictionaries(*Sample(10'000), /*row_group_rows=*/1'000'000, /*total_rows=*/10'000'000, 1 << 20);
  ASSERT_TRUE(choice.ok()) << choice.status();
  EXPECT_EQ(choice->plain, (std::vector<std::string>{"id", "uuid"}));
  EXPECT_EQ(choice->shared_dictionary, (std::vector<std::string>{"city"}));
}

TEST(ChooseDictionaries, SmallRowGroupsKeepTheDictionary) {
  // 1 000 unique int64 values fit a 1 MiB dictionary page: the writer's
  // dictionary never overflows, so nothing goes plain.
  auto choice = ChooseDictionaries(*Sample(1'000), /*row_group_rows=*/1'000, /*total_rows=*/1'000, 1 << 20);
  ASSERT_TRUE(choice.ok()) << choice.status();
  EXPECT_TRUE(choice->plain.empty());
  // One row group holds every uuid of the write: sharing costs nothing.
  EXPECT_NE(std::find(choice->shared_dictionary.begin(), choice->shared_dictionary.end(), "uuid"),
            choice->shared_dictionary.end());
  // Many small files would each carry the uuids of all the others: no.
  auto spread = ChooseDictionaries(*Sample(1'000), /*row_group_rows=*/100, /*total_rows=*/1'000, 1 << 20);
  EXPECT_EQ(spread->shared_dictionary, (std::vector<std::string>{"city"}));
}

// A Kafka-value-like column: 400-byte payloads, unique or drawn from a few.
std::shared_ptr<arrow::Table> Payloads(int64_t rows, int64_t distinct) {
  arrow::BinaryBuilder payloads;
  for (int64_t i = 0; i < rows; ++i) {
    std::string v = "{\"event_id\":\"" + std::to_string(i % distinct) + "\"}";
    v.resize(400, ' ');
    EXPECT_TRUE(payloads.Append(v).ok());
  }
  return arrow::Table::Make(arrow::schema({arrow::field("value", arrow::binary())}),
                            {payloads.Finish().ValueOrDie()});
}

TEST(ChooseDictionaries, WideUniqueValuesGoPlainWideRepeatedValuesKeepTheDictionary) {
  // 20 000 unique 400-byte values: the first ~2 600 alone overflow 1 MiB.
  auto unique = ChooseDictionaries(*Payloads(20'000, 20'000), 50'000, 50'000, 1 << 20);
  ASSERT_TRUE(unique.ok()) << unique.status();
  EXPECT_EQ(unique->plain, (std::vector<std::string>{"value"}));
  // 1 000 distinct values (400 KB) repeated fit the page: the dictionary stays.
  auto repeated = ChooseDictionaries(*Payloads(20'000, 1'000), 50'000, 50'000, 1 << 20);
  ASSERT_TRUE(repeated.ok()) << repeated.status();
  EXPECT_TRUE(repeated->plain.empty());
  // 2 000 distinct values (800 KB) whose first 2 600 rows repeat stay under the
  // page too, though the prefix holds more bytes than a page.
  auto near_limit = ChooseDictionaries(*Payloads(20'000, 2'000), 50'000, 50'000, 1 << 20);
  ASSERT_TRUE(near_limit.ok()) << near_limit.status();
  EXPECT_TRUE(near_limit->plain.empty());
}

}  // namespace
}  // namespace medallion::delta
