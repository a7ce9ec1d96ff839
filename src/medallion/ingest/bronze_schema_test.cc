#include "medallion/ingest/bronze_schema.h"

#include <arrow/api.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace medallion::ingest {
namespace {

std::vector<RecordView> SampleRecords() {
  static const std::string kKey = "product-17", kValue = R"({"event_id":"e1"})", kHeaderValue = "v";
  std::vector<RecordView> rows(4);
  for (int i = 0; i < 4; ++i) {
    rows[i].topic = "orders";
    rows[i].partition = i % 2;
    rows[i].offset = 100 + i;
  }
  rows[0].timestamp_ms = 1'700'000'000'000;
  rows[0].key = kKey.data();
  rows[0].key_len = kKey.size();
  rows[0].value = kValue.data();
  rows[0].value_len = kValue.size();
  // rows[1]: no timestamp, null key, null value.
  rows[2].value = kValue.data();
  rows[2].value_len = 0;  // empty, not null
  rows[2].headers = {{"medallion.bad_kind", kHeaderValue}, {"no-value", std::nullopt}};
  rows[3].key = kKey.data();
  rows[3].key_len = kKey.size();
  rows[3].value = kValue.data();
  rows[3].value_len = kValue.size();
  return rows;
}

// Ingest reserves a batch's exact sizes and appends without capacity checks;
// a builder that was not reserved (or not enough) grows as it goes. Both
// must build the same rows, nulls and headers included.
TEST(BronzeBatchBuilder, ReservedAndGrowingAppendsBuildTheSameBatch) {
  const auto rows = SampleRecords();
  int64_t key_bytes = 0, value_bytes = 0;
  for (const auto& r : rows) {
    key_bytes += static_cast<int64_t>(r.key_len);
    value_bytes += static_cast<int64_t>(r.value_len);
  }
  BronzeBatchBuilder reserved, growing, short_reserved;
  ASSERT_TRUE(reserved.Reserve(4, 4 * 6, key_bytes, value_bytes).ok());
  ASSERT_TRUE(short_reserved.Reserve(2, 6, 1, 1).ok());  // runs out part-way
  for (const auto& r : rows) {
    ASSERT_TRUE(reserved.Append(r).ok());
    ASSERT_TRUE(growing.Append(r).ok());
    ASSERT_TRUE(short_reserved.Append(r).ok());
  }
  auto a = reserved.Finish(1'700'000'000'000'000);
  auto b = growing.Finish(1'700'000'000'000'000);
  auto c = short_reserved.Finish(1'700'000'000'000'000);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  ASSERT_TRUE((*a)->ValidateFull().ok());
  EXPECT_TRUE((*a)->Equals(**b)) << (*a)->ToString() << "\n" << (*b)->ToString();
  EXPECT_TRUE((*a)->Equals(**c));

  const auto& batch = **a;
  EXPECT_EQ(batch.num_rows(), 4);
  EXPECT_TRUE(batch.GetColumnByName("kafka_timestamp")->IsNull(1));
  EXPECT_TRUE(batch.GetColumnByName("key")->IsNull(1));
  EXPECT_TRUE(batch.GetColumnByName("value")->IsNull(1));
  auto values = std::static_pointer_cast<arrow::BinaryArray>(batch.GetColumnByName("value"));
  EXPECT_FALSE(values->IsNull(2));
  EXPECT_EQ(values->GetView(2), "");
  EXPECT_EQ(values->GetView(3), R"({"event_id":"e1"})");
  auto headers = std::static_pointer_cast<arrow::MapArray>(batch.GetColumnByName("headers"));
  EXPECT_EQ(headers->value_length(2), 2);
  EXPECT_EQ(headers->value_length(3), 0);
  auto offsets = std::static_pointer_cast<arrow::Int64Array>(batch.GetColumnByName("offset"));
  EXPECT_EQ(offsets->Value(3), 103);
}

}  // namespace
}  // namespace medallion::ingest
