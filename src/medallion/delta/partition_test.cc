#include "medallion/delta/partition.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <gtest/gtest.h>

#include <map>

namespace medallion::delta {
namespace {

// Three record batches; "day" cycles over 3 values plus a null, "id" is the row number.
std::shared_ptr<arrow::Table> Rows() {
  auto schema = arrow::schema({arrow::field("id", arrow::int64()), arrow::field("day", arrow::utf8()),
                               arrow::field("name", arrow::utf8())});
  arrow::RecordBatchVector batches;
  int64_t id = 0;
  for (int64_t size : {7, 1, 12}) {
    arrow::Int64Builder ids;
    arrow::StringBuilder days, names;
    for (int64_t i = 0; i < size; ++i, ++id) {
      EXPECT_TRUE(ids.Append(id).ok());
      EXPECT_TRUE((id % 4 == 3 ? days.AppendNull() : days.Append("d" + std::to_string(id % 4))).ok());
      EXPECT_TRUE(names.Append(id % 2 ? "odd" : "even").ok());
    }
    batches.push_back(arrow::RecordBatch::Make(schema, size, {ids.Finish().ValueOrDie(), days.Finish().ValueOrDie(),
                                                              names.Finish().ValueOrDie()}));
  }
  return arrow::Table::FromRecordBatches(schema, batches).ValueOrDie();
}

std::vector<int64_t> Ids(const arrow::Table& t) {
  auto combined = t.GetColumnByName("id");
  std::vector<int64_t> ids;
  for (const auto& chunk : combined->chunks()) {
    auto values = std::static_pointer_cast<arrow::Int64Array>(chunk);
    for (int64_t i = 0; i < values->length(); ++i) ids.push_back(values->Value(i));
  }
  return ids;
}

TEST(PartitionPlan, GroupsRowsInFirstSeenOrderWithNullsAsTheirOwnGroup) {
  auto plan = PartitionPlan::Make(Rows(), {"day"});
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ(plan->num_groups(), 4u);
  EXPECT_EQ(plan->values(0).at("day"), "d0");
  EXPECT_EQ(plan->values(2).at("day"), "d2");
  EXPECT_EQ(plan->values(3).at("day"), std::nullopt);
  for (size_t g = 0; g < 4; ++g) EXPECT_EQ(plan->num_rows(g), 5);
  auto d1 = plan->Gather(1, 0, plan->num_rows(1));
  ASSERT_TRUE(d1.ok()) << d1.status();
  EXPECT_EQ(Ids(**d1), (std::vector<int64_t>{1, 5, 9, 13, 17}));
  EXPECT_EQ((*d1)->num_columns(), 3);
}

TEST(PartitionPlan, GatherRangesCrossBatchesAndDropPartitionColumns) {
  auto plan = PartitionPlan::Make(Rows(), {"day"}, /*drop_partition_columns=*/true);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->schema()->field_names(), (std::vector<std::string>{"id", "name"}));
  // Group "d3" (null) holds rows 3, 7, 11, 15, 19: 7 is alone in the second batch.
  auto middle = plan->Gather(3, 1, 3);
  ASSERT_TRUE(middle.ok()) << middle.status();
  EXPECT_EQ(Ids(**middle), (std::vector<int64_t>{7, 11, 15}));
  EXPECT_EQ((*middle)->num_columns(), 2);
  auto tail = plan->Gather(3, 4, 10);
  EXPECT_EQ(Ids(**tail), (std::vector<int64_t>{19}));
  auto none = plan->Gather(3, 5, 1);
  EXPECT_EQ((*none)->num_rows(), 0);
}

TEST(PartitionPlan, NoPartitionColumnsIsOneGroupOfZeroCopySlices) {
  auto rows = Rows();
  auto plan = PartitionPlan::Make(rows, {});
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ(plan->num_groups(), 1u);
  auto all = plan->Gather(0, 2, 10);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(Ids(**all), (std::vector<int64_t>{2, 3, 4, 5, 6, 7, 8, 9, 10, 11}));
  // Consecutive rows are slices of the input, not copies.
  auto first_chunk = (*all)->GetColumnByName("id")->chunk(0);
  EXPECT_EQ(first_chunk->data()->buffers[1]->data(), rows->GetColumnByName("id")->chunk(0)->data()->buffers[1]->data());
}

TEST(PartitionPlan, MissingPartitionColumnIsAnError) {
  auto plan = PartitionPlan::Make(Rows(), {"country"});
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.status().message().find("country"), std::string::npos);
}

TEST(PartitionPlan, SharedDictionaryKeepsValuesAcrossBatchesAndGroups) {
  auto plan = PartitionPlan::Make(Rows(), {"day"}, /*drop_partition_columns=*/true);
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_TRUE(plan->DictionaryEncode({"name"}).ok());
  EXPECT_EQ(plan->schema()->GetFieldByName("name")->type()->id(), arrow::Type::DICTIONARY);
  auto rows = plan->Gather(1, 0, plan->num_rows(1));  // ids 1, 5, 9, 13, 17: all odd
  ASSERT_TRUE(rows.ok()) << rows.status();
  auto names = (*rows)->GetColumnByName("name");
  const uint8_t* shared = nullptr;  // the dictionary's string bytes
  for (const auto& chunk : names->chunks()) {
    const auto& encoded = static_cast<const arrow::DictionaryArray&>(*chunk);
    if (shared) EXPECT_EQ(chunk->data()->dictionary->buffers[2]->data(), shared);  // one dictionary
    shared = chunk->data()->dictionary->buffers[2]->data();
    auto dictionary = encoded.dictionary();
    for (int64_t i = 0; i < encoded.length(); ++i) {
      EXPECT_EQ(std::static_pointer_cast<arrow::StringArray>(dictionary)->GetString(encoded.GetValueIndex(i)), "odd");
    }
  }
  EXPECT_FALSE(plan->DictionaryEncode({"nope"}).ok());
}

TEST(SplitByPartition, SlicesKeepPartitionColumnsAndCoverEveryRow) {
  auto slices = SplitByPartition(Rows(), {"day", "name"});
  ASSERT_TRUE(slices.ok()) << slices.status();
  int64_t total = 0;
  for (const auto& slice : *slices) {
    EXPECT_EQ(slice.rows->num_columns(), 3);
    for (int64_t id : Ids(*slice.rows)) {
      EXPECT_EQ(slice.values.at("name"), id % 2 ? "odd" : "even");
      EXPECT_EQ(slice.values.at("day"),
                id % 4 == 3 ? std::nullopt : std::optional<std::string>("d" + std::to_string(id % 4)));
    }
    total += slice.rows->num_rows();
  }
  EXPECT_EQ(slices->size(), 4u);  // day decides parity here: d0, d2 even; d1, null odd
  EXPECT_EQ(total, 20);
}

}  // namespace
}  // namespace medallion::delta
