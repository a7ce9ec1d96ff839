#include "medallion/transform/northwind_quality.h"

#include <arrow/api.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "medallion/quality/suite_parser.h"

namespace medallion::transform {
namespace {

using ::testing::HasSubstr;

std::shared_ptr<arrow::Table> OrderLines(const std::vector<int32_t>& order_ids, const std::vector<int32_t>& quantities) {
  arrow::Int32Builder ids, quantity;
  EXPECT_TRUE(ids.AppendValues(order_ids).ok());
  EXPECT_TRUE(quantity.AppendValues(quantities).ok());
  auto schema = arrow::schema({arrow::field("order_id", arrow::int32()), arrow::field("quantity", arrow::int32())});
  return arrow::Table::Make(schema, {ids.Finish().ValueOrDie(), quantity.Finish().ValueOrDie()});
}

quality::Suite LinesSuite(const std::string& action) {
  auto suite = quality::ParseNativeSuite(R"(
name: lines
default_action: )" + action + R"(
expectations:
  - type: expect_column_values_to_be_between
    column: quantity
    min_value: 1
    max_value: 1000
  - type: expect_column_values_to_be_unique
    column: order_id
)",
                                         "test");
  EXPECT_TRUE(suite.ok()) << suite.status().ToString();
  return *suite;
}

TEST(ApplySuiteTest, QuarantinesFailingRowsWithTheRuleAndKeepsTheRest) {
  auto checked = ApplySuite(LinesSuite("quarantine"), OrderLines({1, 2, 3, 4}, {5, -3, 7, 0}), "run-1");
  ASSERT_TRUE(checked.ok()) << checked.status().ToString();
  EXPECT_EQ(checked->kept->num_rows(), 2);
  auto kept_ids = checked->kept->GetColumnByName("order_id")->chunk(0);
  EXPECT_EQ(std::static_pointer_cast<arrow::Int32Array>(kept_ids)->Value(0), 1);
  EXPECT_EQ(std::static_pointer_cast<arrow::Int32Array>(kept_ids)->Value(1), 3);

  ASSERT_EQ(checked->quarantined->num_rows(), 2);
  auto reasons = std::static_pointer_cast<arrow::StringArray>(
      checked->quarantined->GetColumnByName("quarantine_reason")->chunk(0));
  EXPECT_THAT(reasons->GetString(0), HasSubstr("quantity=-3"));
  EXPECT_THAT(reasons->GetString(0), HasSubstr("expect_column_values_to_be_between"));
  EXPECT_THAT(reasons->GetString(1), HasSubstr("quantity=0"));
  EXPECT_EQ(checked->dropped, 0);
  EXPECT_FALSE(checked->result.success);
  EXPECT_EQ(checked->result.run_id, "run-1");
}

TEST(ApplySuiteTest, CleanDataKeepsEveryRowAndQuarantinesNone) {
  auto checked = ApplySuite(LinesSuite("quarantine"), OrderLines({1, 2}, {1, 1000}), "run-2");
  ASSERT_TRUE(checked.ok()) << checked.status().ToString();
  EXPECT_EQ(checked->kept->num_rows(), 2);
  EXPECT_EQ(checked->quarantined->num_rows(), 0);
  EXPECT_TRUE(checked->result.success);
}

TEST(ApplySuiteTest, FailActionStopsWithTheRule) {
  auto checked = ApplySuite(LinesSuite("fail"), OrderLines({1, 1}, {2, 2}), "run-3");
  ASSERT_FALSE(checked.ok());
  EXPECT_THAT(checked.status().ToString(), HasSubstr("expect_column_values_to_be_unique"));
}

TEST(LoadNorthwindSuitesTest, MissingSuiteNamesTheTableAndFile) {
  auto dir = std::filesystem::temp_directory_path() /
             ("northwind_quality_test_suites_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "customers.yaml") << "name: c\nexpectations: []\n";
  auto suites = LoadNorthwindSuites(dir.string());
  ASSERT_FALSE(suites.ok());
  EXPECT_THAT(suites.status().ToString(), HasSubstr("silver/products"));
  EXPECT_THAT(suites.status().ToString(), HasSubstr("products.yaml"));
  std::filesystem::remove_all(dir);
}

// The suites shipped in config/quality/northwind parse and check something.
TEST(LoadNorthwindSuitesTest, ShippedSuitesCoverEverySilverTable) {
  auto dir = std::filesystem::path(__FILE__).parent_path() / "../../../config/quality/northwind";
  auto suites = LoadNorthwindSuites(dir.string());
  ASSERT_TRUE(suites.ok()) << suites.status().ToString();
  ASSERT_EQ(suites->size(), NorthwindSilverTables().size());
  for (const auto& [table, suite] : *suites) {
    EXPECT_FALSE(suite.expectations.empty()) << table;
    EXPECT_EQ(suite.default_action, quality::Action::kQuarantine) << table;
  }
}

}  // namespace
}  // namespace medallion::transform
