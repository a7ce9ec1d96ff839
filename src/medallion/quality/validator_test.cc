#include "medallion/quality/validator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "medallion/quality/suite_parser.h"
#include "medallion/quality/test_batches.h"

namespace medallion::quality {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::MakeBatch;

// One expectation from its GE 1.x JSON kwargs, evaluated on `batch`.
ExpectationResult Check(const std::string& type, const std::string& kwargs_json, const arrow::RecordBatch& batch) {
  auto suite = ParseGreatExpectationsSuite(
      R"({"name": "t", "expectations": [{"type": ")" + type + R"(", "kwargs": )" + kwargs_json + "}]}", "test");
  EXPECT_TRUE(suite.ok()) << suite.status();
  auto result = Validate(*suite, batch);
  EXPECT_TRUE(result.ok()) << result.status();
  return result->results.at(0);
}

std::shared_ptr<arrow::RecordBatch> Orders() {
  return MakeBatch({
      {"id", arrow::utf8(), R"(["a", "b", "c", "b", null, "e"])"},
      {"quantity", arrow::int64(), "[1, 5, -3, 2000, null, 10]"},
      {"price", arrow::float64(), "[1.5, NaN, 2.5, null, 3.0, 4.0]"},
      {"status", arrow::utf8(), R"(["paid", "created", "bogus", null, "paid", "PAID"])"},
      {"event_time", arrow::utf8(),
       R"(["2024-01-05T10:00:00Z", "2024-01-05 10:00", "yesterday", "2024-02-30", null, "Jan 5, 2024"])"},
  });
}

TEST(ValidatorTest, BetweenIgnoresNullsInTheDenominator) {
  auto r = Check("expect_column_values_to_be_between", R"({"column": "quantity", "min_value": 1, "max_value": 1000})",
                 *Orders());
  EXPECT_FALSE(r.success);
  EXPECT_EQ(r.element_count, 6);
  EXPECT_EQ(r.unexpected_count, 2);
  EXPECT_EQ(r.missing_count, 1);
  EXPECT_DOUBLE_EQ(*r.unexpected_percent, 40.0);  // 2 of 5 non-null
  EXPECT_DOUBLE_EQ(*r.unexpected_percent_total, 100.0 * 2 / 6);
  EXPECT_DOUBLE_EQ(*r.missing_percent, 100.0 / 6);
  EXPECT_THAT(r.unexpected_rows, ElementsAre(2, 3));
  EXPECT_EQ(r.partial_unexpected_list, Json::parse("[-3, 2000]"));
}

TEST(ValidatorTest, MostlyIsComparedToTheNonNullShare) {
  // 3 of 5 non-null values pass: 0.6.
  auto passes = Check("expect_column_values_to_be_between",
                      R"({"column": "quantity", "min_value": 1, "max_value": 1000, "mostly": 0.6})", *Orders());
  EXPECT_TRUE(passes.success);
  EXPECT_EQ(passes.unexpected_count, 2);
  auto fails = Check("expect_column_values_to_be_between",
                     R"({"column": "quantity", "min_value": 1, "max_value": 1000, "mostly": 0.61})", *Orders());
  EXPECT_FALSE(fails.success);
}

TEST(ValidatorTest, StrictBoundsAndOneSidedRanges) {
  auto strict = Check("expect_column_values_to_be_between",
                      R"({"column": "quantity", "min_value": 1, "max_value": 10, "strict_min": true, "strict_max": true})",
                      *Orders());
  EXPECT_THAT(strict.unexpected_rows, ElementsAre(0, 2, 3, 5));
  auto only_max = Check("expect_column_values_to_be_between", R"({"column": "price", "max_value": 2.5})", *Orders());
  EXPECT_THAT(only_max.unexpected_rows, ElementsAre(4, 5));
}

TEST(ValidatorTest, NanIsMissingInFloatColumns) {
  auto r = Check("expect_column_values_to_be_between", R"({"column": "price", "min_value": 0})", *Orders());
  EXPECT_TRUE(r.success);
  EXPECT_EQ(r.missing_count, 2);
  auto not_null = Check("expect_column_values_to_not_be_null", R"({"column": "price"})", *Orders());
  EXPECT_EQ(not_null.unexpected_count, 2);
  EXPECT_THAT(not_null.unexpected_rows, ElementsAre(1, 3));
}

TEST(ValidatorTest, BetweenRejectsARangeWithoutBounds) {
  auto r = Check("expect_column_values_to_be_between", R"({"column": "quantity"})", *Orders());
  EXPECT_FALSE(r.success);
  ASSERT_TRUE(r.exception_message.has_value());
  EXPECT_THAT(*r.exception_message, HasSubstr("cannot both be null"));
  auto mixed = Check("expect_column_values_to_be_between", R"({"column": "quantity", "min_value": "a"})", *Orders());
  ASSERT_TRUE(mixed.exception_message.has_value());
  EXPECT_THAT(*mixed.exception_message, HasSubstr("min_value=\"a\" is a string but the column is int64"));
}

TEST(ValidatorTest, BetweenOnTimestampsParsesStringBounds) {
  auto batch = MakeBatch({{"ts", arrow::timestamp(arrow::TimeUnit::MICRO, "UTC"),
                           R"(["2024-01-01 00:00:00", "2024-06-01 00:00:00", null])"}});
  auto r = Check("expect_column_values_to_be_between",
                 R"({"column": "ts", "min_value": "2024-01-01", "max_value": "2024-03-01"})", *batch);
  EXPECT_THAT(r.unexpected_rows, ElementsAre(1));
}

TEST(ValidatorTest, NotNullCountsMissingOverAllRows) {
  auto r = Check("expect_column_values_to_not_be_null", R"({"column": "id", "mostly": 0.8})", *Orders());
  EXPECT_TRUE(r.success);  // 5 of 6 = 0.83
  EXPECT_EQ(r.element_count, 6);
  EXPECT_EQ(r.unexpected_count, 1);
  EXPECT_DOUBLE_EQ(*r.unexpected_percent, 100.0 / 6);
  EXPECT_FALSE(r.missing_count.has_value());  // GE reports no missing_* here
  EXPECT_EQ(r.partial_unexpected_list, Json::parse("[null]"));
  EXPECT_THAT(r.unexpected_rows, ElementsAre(4));
}

TEST(ValidatorTest, InSetComparesWithinTheColumnsKind) {
  auto r = Check("expect_column_values_to_be_in_set", R"({"column": "status", "value_set": ["paid", "created", 1]})",
                 *Orders());
  EXPECT_THAT(r.unexpected_rows, ElementsAre(2, 5));  // "bogus", "PAID"; null ignored
  EXPECT_DOUBLE_EQ(*r.unexpected_percent, 40.0);
  auto numbers = Check("expect_column_values_to_be_in_set", R"({"column": "quantity", "value_set": [1, 5, 10.0, "2000"]})",
                       *Orders());
  EXPECT_THAT(numbers.unexpected_rows, ElementsAre(2, 3));
}

TEST(ValidatorTest, RegexSearchesAnywhereInTheValue) {
  auto r = Check("expect_column_values_to_match_regex", R"({"column": "status", "regex": "a"})", *Orders());
  EXPECT_THAT(r.unexpected_rows, ElementsAre(2, 5));
  auto anchored = Check("expect_column_values_to_match_regex", R"({"column": "quantity", "regex": "^\\d+$"})", *Orders());
  EXPECT_THAT(anchored.unexpected_rows, ElementsAre(2));  // "-3" once cast to text
  auto bad = Check("expect_column_values_to_match_regex", R"({"column": "status", "regex": "(unclosed"})", *Orders());
  ASSERT_TRUE(bad.exception_message.has_value());
  EXPECT_THAT(*bad.exception_message, HasSubstr("(unclosed"));
}

TEST(ValidatorTest, UniqueFlagsEveryOccurrenceOfARepeatedValue) {
  auto r = Check("expect_column_values_to_be_unique", R"({"column": "id"})", *Orders());
  EXPECT_THAT(r.unexpected_rows, ElementsAre(1, 3));
  EXPECT_EQ(r.partial_unexpected_list, Json::parse(R"(["b", "b"])"));
  auto nulls = MakeBatch({{"k", arrow::int64(), "[1, null, null, 2]"}});
  auto r2 = Check("expect_column_values_to_be_unique", R"({"column": "k"})", *nulls);
  EXPECT_TRUE(r2.success);  // repeated nulls are missing, not duplicates
  EXPECT_EQ(r2.missing_count, 2);
}

TEST(ValidatorTest, OfTypeUsesGreatExpectationsNames) {
  auto batch = Orders();
  auto ok = Check("expect_column_values_to_be_of_type", R"({"column": "quantity", "type_": "int64"})", *batch);
  EXPECT_TRUE(ok.success);
  EXPECT_EQ(ok.observed_value, "int64");
  EXPECT_FALSE(ok.row_level);
  EXPECT_TRUE(Check("expect_column_values_to_be_of_type", R"({"column": "id", "type_": "str"})", *batch).success);
  EXPECT_TRUE(Check("expect_column_values_to_be_of_type", R"({"column": "id", "type_": "StringType"})", *batch).success);
  EXPECT_TRUE(Check("expect_column_values_to_be_of_type", R"({"column": "price", "type_": "float"})", *batch).success);
  auto wrong = Check("expect_column_values_to_be_of_type", R"({"column": "price", "type_": "int64"})", *batch);
  EXPECT_FALSE(wrong.success);
  EXPECT_EQ(wrong.observed_value, "float64");
}

TEST(ValidatorTest, ValueLengths) {
  auto r = Check("expect_column_value_lengths_to_be_between", R"({"column": "status", "min_value": 4, "max_value": 4})",
                 *Orders());
  EXPECT_THAT(r.unexpected_rows, ElementsAre(1, 2));  // "created", "bogus"
  auto unicode = MakeBatch({{"name", arrow::utf8(), R"(["Zoë", "Łódź", "ab"])"}});
  auto r2 = Check("expect_column_value_lengths_to_be_between", R"({"column": "name", "min_value": 3})", *unicode);
  EXPECT_THAT(r2.unexpected_rows, ElementsAre(2));  // characters, not bytes
}

TEST(ValidatorTest, DateTimeParseable) {
  auto r = Check("expect_column_values_to_be_dateutil_parseable", R"({"column": "event_time"})", *Orders());
  EXPECT_THAT(r.unexpected_rows, ElementsAre(2, 3));  // "yesterday", Feb 30
  EXPECT_EQ(r.missing_count, 1);
  auto numbers = Check("expect_column_values_to_be_dateutil_parseable", R"({"column": "quantity"})", *Orders());
  ASSERT_TRUE(numbers.exception_message.has_value());
  EXPECT_THAT(*numbers.exception_message, HasSubstr("must be strings"));
}

TEST(ValidatorTest, TableExpectations) {
  auto batch = Orders();
  auto exists = Check("expect_column_to_exist", R"({"column": "status"})", *batch);
  EXPECT_TRUE(exists.success);
  EXPECT_FALSE(Check("expect_column_to_exist", R"({"column": "nope"})", *batch).success);
  EXPECT_TRUE(Check("expect_column_to_exist", R"({"column": "quantity", "column_index": 1})", *batch).success);
  EXPECT_FALSE(Check("expect_column_to_exist", R"({"column": "quantity", "column_index": 2})", *batch).success);

  auto exact = Check("expect_table_columns_to_match_set",
                     R"({"column_set": ["id", "quantity", "price", "status", "extra"]})", *batch);
  EXPECT_FALSE(exact.success);
  EXPECT_EQ(exact.details["mismatched"]["unexpected"], Json::parse(R"(["event_time"])"));
  EXPECT_EQ(exact.details["mismatched"]["missing"], Json::parse(R"(["extra"])"));
  auto subset = Check("expect_table_columns_to_match_set", R"({"column_set": ["id", "status"], "exact_match": false})",
                      *batch);
  EXPECT_TRUE(subset.success);

  auto rows = Check("expect_table_row_count_to_be_between", R"({"min_value": 1, "max_value": 5})", *batch);
  EXPECT_FALSE(rows.success);
  EXPECT_EQ(rows.observed_value, 6);
  EXPECT_TRUE(Check("expect_table_row_count_to_be_between", R"({"min_value": 6})", *batch).success);
  EXPECT_FALSE(Check("expect_table_row_count_to_be_between", R"({"min_value": 6, "strict_min": true})", *batch).success);
}

TEST(ValidatorTest, MissingColumnIsAnUnsuccessfulResultNotACrash) {
  auto r = Check("expect_column_values_to_be_unique", R"({"column": "nope"})", *Orders());
  EXPECT_FALSE(r.success);
  ASSERT_TRUE(r.exception_message.has_value());
  EXPECT_THAT(*r.exception_message, HasSubstr("column 'nope' not found"));
}

TEST(ValidatorTest, EmptyBatchAndAllNullColumnAreVacuouslyTrue) {
  auto empty = MakeBatch({{"q", arrow::int64(), "[]"}});
  auto r = Check("expect_column_values_to_be_between", R"({"column": "q", "min_value": 1})", *empty);
  EXPECT_TRUE(r.success);
  EXPECT_EQ(r.element_count, 0);
  EXPECT_FALSE(r.unexpected_percent.has_value());
  auto all_null = MakeBatch({{"q", arrow::int64(), "[null, null]"}});
  auto r2 = Check("expect_column_values_to_be_between", R"({"column": "q", "min_value": 1})", *all_null);
  EXPECT_TRUE(r2.success);
  EXPECT_EQ(r2.missing_count, 2);
  EXPECT_FALSE(r2.unexpected_percent.has_value());
  EXPECT_DOUBLE_EQ(*r2.unexpected_percent_total, 0.0);
}

TEST(ValidatorTest, PartialUnexpectedListStopsAtTwenty) {
  std::string values = "[";
  for (int i = 0; i < 30; ++i) values += (i ? "," : "") + std::to_string(-i);
  auto batch = MakeBatch({{"q", arrow::int64(), values + "]"}});
  auto r = Check("expect_column_values_to_be_between", R"({"column": "q", "min_value": 1})", *batch);
  EXPECT_EQ(r.unexpected_count, 30);
  EXPECT_EQ(r.partial_unexpected_list.size(), 20u);
  EXPECT_EQ(r.unexpected_rows.size(), 30u);
}

TEST(ValidatorTest, SuiteStatisticsAndChunkedTables) {
  auto suite = LoadSuiteFile(testing::FixturePath("ge_v1_suite.json"));
  ASSERT_TRUE(suite.ok()) << suite.status();
  auto batch = MakeBatch({{"status", arrow::utf8(), R"(["paid", "created", "lost"])"},
                          {"email", arrow::utf8(), R"(["a@x.io", "b@y.io", "c@z.io"])"}});
  auto table = arrow::Table::FromRecordBatches({batch, batch});
  ASSERT_TRUE(table.ok());
  auto result = Validate(*suite, **table, {.run_id = "run-1"});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->run_id, "run-1");
  EXPECT_EQ(result->row_count, 6);
  EXPECT_FALSE(result->success);
  EXPECT_EQ(result->statistics.evaluated_expectations, 3);
  EXPECT_EQ(result->statistics.successful_expectations, 2);
  EXPECT_EQ(result->statistics.unsuccessful_expectations, 1);
  EXPECT_NEAR(*result->statistics.success_percent, 200.0 / 3, 1e-9);
  EXPECT_THAT(result->results[1].unexpected_rows, ElementsAre(2, 5));
}

}  // namespace
}  // namespace medallion::quality
