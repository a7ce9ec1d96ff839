#include "medallion/quality/suite_parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "medallion/quality/test_batches.h"

namespace medallion::quality {
namespace {

using ::testing::HasSubstr;
using testing::FixturePath;

TEST(SuiteParserTest, ReadsGreatExpectations0xSuite) {
  auto suite = LoadSuiteFile(FixturePath("ge_v0_suite.json"));
  ASSERT_TRUE(suite.ok()) << suite.status();
  EXPECT_EQ(suite->name, "orders_v0");
  EXPECT_EQ(suite->default_action, Action::kQuarantine);  // from meta.medallion.default_action
  ASSERT_EQ(suite->expectations.size(), 4u);
  const Expectation& not_null = suite->expectations[1];
  EXPECT_EQ(not_null.type, "expect_column_values_to_not_be_null");
  EXPECT_EQ(not_null.column, "event_id");
  EXPECT_EQ(not_null.action, Action::kFail);  // meta.action overrides
  const Expectation& between = suite->expectations[2];
  EXPECT_DOUBLE_EQ(between.mostly, 0.95);
  EXPECT_EQ(between.action, Action::kQuarantine);
  EXPECT_EQ(between.kwargs["min_value"], 1);
  EXPECT_EQ(between.meta["notes"], "quantities come from the shop");
  // 0.x spelled the of_type kwarg "type"; the model uses 1.x's "type_".
  EXPECT_EQ(suite->expectations[3].kwargs["type_"], "int64");
  EXPECT_FALSE(suite->expectations[3].kwargs.contains("type"));
}

TEST(SuiteParserTest, ReadsGreatExpectations1xSuiteWithWarnDefault) {
  auto suite = LoadSuiteFile(FixturePath("ge_v1_suite.json"));
  ASSERT_TRUE(suite.ok()) << suite.status();
  EXPECT_EQ(suite->name, "orders_v1");
  ASSERT_EQ(suite->expectations.size(), 3u);
  EXPECT_EQ(suite->expectations[0].type, "expect_table_row_count_to_be_between");
  EXPECT_FALSE(suite->expectations[0].column.has_value());
  EXPECT_EQ(suite->expectations[0].action, Action::kWarn);
  EXPECT_EQ(suite->expectations[1].action, Action::kDrop);
  EXPECT_EQ(suite->expectations[1].kwargs["value_set"].size(), 2u);
  EXPECT_DOUBLE_EQ(suite->expectations[2].mostly, 0.9);
}

TEST(SuiteParserTest, Reads1xExpectationsWithKwargsAtTopLevel) {
  auto suite = ParseSuite(R"({"name": "flat", "expectations": [
      {"type": "expect_column_values_to_be_between", "column": "q", "min_value": 0, "strict_min": true,
       "mostly": 0.5, "id": "x", "meta": {}, "severity": "critical"}]})",
                          "flat.json");
  ASSERT_TRUE(suite.ok()) << suite.status();
  const Expectation& e = suite->expectations.at(0);
  EXPECT_EQ(e.column, "q");
  EXPECT_DOUBLE_EQ(e.mostly, 0.5);
  EXPECT_EQ(e.kwargs["strict_min"], true);
  EXPECT_FALSE(e.kwargs.contains("id"));
  EXPECT_FALSE(e.kwargs.contains("severity"));
}

TEST(SuiteParserTest, ReadsNativeYamlWithActionsAndTypedScalars) {
  auto suite = LoadSuiteFile(FixturePath("orders_suite.yaml"));
  ASSERT_TRUE(suite.ok()) << suite.status();
  EXPECT_EQ(suite->name, "orders_silver");
  EXPECT_EQ(suite->default_action, Action::kQuarantine);
  ASSERT_EQ(suite->expectations.size(), 8u);
  EXPECT_EQ(suite->expectations[0].action, Action::kFail);
  EXPECT_EQ(suite->expectations[0].kwargs["exact_match"], false);
  EXPECT_EQ(suite->expectations[1].action, Action::kQuarantine);  // default
  EXPECT_EQ(suite->expectations[2].action, Action::kDrop);
  EXPECT_TRUE(suite->expectations[3].kwargs["min_value"].is_number_integer());
  EXPECT_EQ(suite->expectations[3].Describe(), "expect_column_values_to_be_between(min_value=1, max_value=1000)");
  EXPECT_DOUBLE_EQ(suite->expectations[4].mostly, 0.5);
  EXPECT_EQ(suite->expectations[6].kwargs["regex"], "^[^@ ]+@[^@ ]+\\.[a-z]+$");
}

TEST(SuiteParserTest, QuotedYamlScalarsStayStrings) {
  auto suite = ParseNativeSuite(R"(
name: s
expectations:
  - type: expect_column_values_to_be_in_set
    column: code
    value_set: ["01", 2, "true", true]
)",
                                "s.yaml");
  ASSERT_TRUE(suite.ok()) << suite.status();
  const Json& set = suite->expectations[0].kwargs["value_set"];
  EXPECT_TRUE(set[0].is_string());
  EXPECT_TRUE(set[1].is_number_integer());
  EXPECT_TRUE(set[2].is_string());
  EXPECT_TRUE(set[3].is_boolean());
}

struct BadSuiteCase {
  const char* text;
  const char* message_part;
};

class BadSuiteTest : public ::testing::TestWithParam<BadSuiteCase> {};

TEST_P(BadSuiteTest, ErrorNamesTheProblem) {
  auto suite = ParseSuite(GetParam().text, "bad.suite");
  ASSERT_FALSE(suite.ok());
  EXPECT_TRUE(suite.status().IsInvalidArgument()) << suite.status();
  EXPECT_THAT(suite.status().message(), HasSubstr("bad.suite"));
  EXPECT_THAT(suite.status().message(), HasSubstr(GetParam().message_part));
}

INSTANTIATE_TEST_SUITE_P(
    Malformed, BadSuiteTest,
    ::testing::Values(
        BadSuiteCase{R"({"name": "s", "expectations": [{"type": "expect_column_values_to_be_purple", "kwargs": {}}]})",
                     "expectations[0]: unknown expectation type 'expect_column_values_to_be_purple'"},
        BadSuiteCase{R"({"name": "s", "expectations": [{"type": "expect_column_values_to_not_be_null", "kwargs": {}}]})",
                     "expectations[0] (expect_column_values_to_not_be_null): missing required kwarg 'column'"},
        BadSuiteCase{R"({"expectation_suite_name": "s", "expectations": [
            {"expectation_type": "expect_column_to_exist", "kwargs": {"column": "a"}},
            {"expectation_type": "expect_column_values_to_be_between", "kwargs": {"column": "a", "minimum": 1}}]})",
                     "expectations[1] (expect_column_values_to_be_between): unknown kwarg 'minimum'"},
        BadSuiteCase{R"({"name": "s", "expectations": [{"type": "expect_column_values_to_be_unique", "kwargs": {"column": "a", "mostly": 1.5}}]})",
                     "kwarg 'mostly' must be a number between 0 and 1"},
        BadSuiteCase{R"({"name": "s", "expectations": [{"type": "expect_column_values_to_be_in_set", "kwargs": {"column": "a", "value_set": "abc"}}]})",
                     "kwarg 'value_set' must be a list"},
        BadSuiteCase{R"({"name": "s", "expectations": [{"type": "expect_column_values_to_be_unique", "kwargs": {"column": "a"}, "meta": {"action": "explode"}}]})",
                     "unknown action 'explode'"},
        BadSuiteCase{R"({"name": "s", "expectations": [{"kwargs": {"column": "a"}}]})", "missing expectation type"},
        BadSuiteCase{R"({"expectations": []})", "missing suite name"},
        BadSuiteCase{R"({"name": "s", "expectations": [)", "not valid JSON"},
        BadSuiteCase{"name: s\nexpectations:\n  - type: expect_column_values_to_be_unique\n    column: a\n    action: maybe\n",
                     "expect_column_values_to_be_unique): unknown action 'maybe'"},
        BadSuiteCase{"name: s\ndefault_acton: drop\nexpectations: []\n", "unknown key 'default_acton'"},
        BadSuiteCase{"name: s\nexpectations:\n  - type: expect_column_values_to_match_regex\n    column: a\n",
                     "missing required kwarg 'regex'"},
        BadSuiteCase{"name: s\nexpectations: {a: 1}\n", "'expectations' must be a list"},
        BadSuiteCase{"name: [unclosed\n", "not valid YAML"}));

TEST(SuiteParserTest, MissingFileIsNotFound) {
  auto suite = LoadSuiteFile("/nonexistent/suite.yaml");
  ASSERT_FALSE(suite.ok());
  EXPECT_TRUE(suite.status().IsNotFound());
  EXPECT_THAT(suite.status().message(), HasSubstr("/nonexistent/suite.yaml"));
}

}  // namespace
}  // namespace medallion::quality
