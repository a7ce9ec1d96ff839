#include "medallion/quality/validation_result.h"

#include <arrow/api.h>
#include <gtest/gtest.h>

#include "medallion/quality/datetime_text.h"
#include "medallion/quality/suite_parser.h"
#include "medallion/quality/test_batches.h"
#include "medallion/quality/validator.h"

namespace medallion::quality {
namespace {

using testing::MakeBatch;

ValidationResult Sample() {
  auto suite = ParseGreatExpectationsSuite(R"({"name": "orders", "expectations": [
      {"type": "expect_column_values_to_be_between", "kwargs": {"column": "q", "min_value": 1, "max_value": 10}},
      {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "q"}, "meta": {"action": "drop"}},
      {"type": "expect_table_row_count_to_be_between", "kwargs": {"min_value": 1}},
      {"type": "expect_column_values_to_be_unique", "kwargs": {"column": "absent"}}]})",
                                           "orders.json");
  EXPECT_TRUE(suite.ok()) << suite.status();
  auto batch = MakeBatch({{"q", arrow::int64(), "[1, 20, null, 3]"}});
  auto result = Validate(*suite, *batch, {.run_id = "r1", .evaluated_at_us = 1'700'000'000'123'456});
  EXPECT_TRUE(result.ok()) << result.status();
  return *result;
}

TEST(ValidationResultTest, JsonHasGreatExpectationsShape) {
  Json json = ToGreatExpectationsJson(Sample());
  EXPECT_EQ(json["success"], false);
  EXPECT_EQ(json["suite_name"], "orders");
  EXPECT_EQ(json["statistics"]["evaluated_expectations"], 4);
  EXPECT_EQ(json["statistics"]["successful_expectations"], 1);
  EXPECT_EQ(json["statistics"]["unsuccessful_expectations"], 3);
  EXPECT_DOUBLE_EQ(json["statistics"]["success_percent"].get<double>(), 25.0);
  EXPECT_EQ(json["meta"]["run_id"], "r1");
  EXPECT_EQ(json["meta"]["validation_time"], "2023-11-14T22:13:20.123456Z");

  const Json& between = json["results"][0];
  EXPECT_EQ(between["expectation_config"]["type"], "expect_column_values_to_be_between");
  EXPECT_EQ(between["expectation_config"]["kwargs"]["column"], "q");
  EXPECT_EQ(between["result"]["element_count"], 4);
  EXPECT_EQ(between["result"]["unexpected_count"], 1);
  EXPECT_NEAR(between["result"]["unexpected_percent"].get<double>(), 100.0 / 3, 1e-9);
  EXPECT_EQ(between["result"]["missing_count"], 1);
  EXPECT_DOUBLE_EQ(between["result"]["missing_percent"].get<double>(), 25.0);
  EXPECT_EQ(between["result"]["partial_unexpected_list"], Json::parse("[20]"));
  EXPECT_EQ(between["exception_info"]["raised_exception"], false);

  const Json& not_null = json["results"][1];
  EXPECT_FALSE(not_null["result"].contains("missing_count"));
  EXPECT_DOUBLE_EQ(not_null["result"]["unexpected_percent"].get<double>(), 25.0);
  EXPECT_EQ(not_null["meta"]["action"], "drop");

  EXPECT_EQ(json["results"][2]["result"]["observed_value"], 4);
  const Json& broken = json["results"][3];
  EXPECT_EQ(broken["success"], false);
  EXPECT_EQ(broken["exception_info"]["raised_exception"], true);
  EXPECT_NE(broken["exception_info"]["exception_message"].get<std::string>().find("absent"), std::string::npos);
}

TEST(ValidationResultTest, MetricsTableHasOneRowPerExpectation) {
  auto table = ToQualityMetricsTable(Sample());
  ASSERT_TRUE(table.ok()) << table.status();
  ASSERT_TRUE((*table)->schema()->Equals(*QualityMetricsSchema()));
  ASSERT_EQ((*table)->num_rows(), 4);
  auto batch = (*table)->CombineChunksToBatch();
  ASSERT_TRUE(batch.ok());
  auto expectation = std::static_pointer_cast<arrow::StringArray>((*batch)->GetColumnByName("expectation"));
  auto column = std::static_pointer_cast<arrow::StringArray>((*batch)->GetColumnByName("column"));
  auto success = std::static_pointer_cast<arrow::BooleanArray>((*batch)->GetColumnByName("success"));
  auto unexpected = std::static_pointer_cast<arrow::Int64Array>((*batch)->GetColumnByName("unexpected_count"));
  auto at = std::static_pointer_cast<arrow::TimestampArray>((*batch)->GetColumnByName("evaluated_at"));
  EXPECT_EQ(expectation->GetString(2), "expect_table_row_count_to_be_between");
  EXPECT_TRUE(column->IsNull(2));
  EXPECT_EQ(column->GetString(0), "q");
  EXPECT_FALSE(success->Value(0));
  EXPECT_TRUE(success->Value(2));
  EXPECT_EQ(unexpected->Value(0), 1);
  EXPECT_TRUE(unexpected->IsNull(2));
  EXPECT_EQ(at->Value(3), 1'700'000'000'123'456);
}

TEST(DateTimeTextTest, AcceptsCommonFormsAndRejectsNonsense) {
  for (const char* ok : {"2024-01-31", "2024-01-31T10:11:12Z", "2024-01-31 10:11:12.123456", "2024-01-31T10:11:12+02:00",
                         "2024/01/31", "01/31/2024", "20240131", "31 Jan 2024", "January 31, 2024",
                         "Wed, 31 Jan 2024 10:00:00 +0000", "  2024-01-31  "}) {
    EXPECT_TRUE(IsParseableDateTime(ok)) << ok;
  }
  for (const char* bad : {"", "yesterday", "2024-02-30", "2024-13-01", "31/31/2024", "abc 2024", "2024-01-31 25:00"}) {
    EXPECT_FALSE(IsParseableDateTime(bad)) << bad;
  }
}

}  // namespace
}  // namespace medallion::quality
