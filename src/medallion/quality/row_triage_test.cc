#include "medallion/quality/row_triage.h"

#include <arrow/api.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "medallion/quality/suite_parser.h"
#include "medallion/quality/test_batches.h"
#include "medallion/quality/validator.h"

namespace medallion::quality {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::MakeBatch;

std::shared_ptr<arrow::RecordBatch> Orders() {
  return MakeBatch({{"event_id", arrow::utf8(), R"(["e1", "e2", "e3", "e3", "e5"])"},
                    {"quantity", arrow::int64(), "[1, -3, 5, 2000, 7]"},
                    {"status", arrow::utf8(), R"(["paid", "paid", "bogus", "paid", "paid"])"}});
}

Suite ParseOrThrow(const std::string& yaml) {
  auto suite = ParseNativeSuite(yaml, "test.yaml");
  EXPECT_TRUE(suite.ok()) << suite.status();
  return *suite;
}

TEST(RowTriageTest, QuarantineAndDropPickExactlyTheFailingRowsWithReasons) {
  Suite suite = ParseOrThrow(R"(
name: orders
default_action: quarantine
expectations:
  - type: expect_column_values_to_be_between
    column: quantity
    min_value: 1
    max_value: 1000
  - type: expect_column_values_to_be_in_set
    column: status
    value_set: [paid, created]
    action: drop
  - type: expect_column_values_to_be_unique
    column: event_id
    action: warn
)");
  auto batch = Orders();
  auto result = Validate(suite, *batch);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(StopStatus(*result).ok());
  auto triage = TriageRows(*result, *batch);
  ASSERT_TRUE(triage.ok()) << triage.status();
  EXPECT_THAT(triage->fate, ElementsAre(RowFate::kKeep, RowFate::kQuarantine, RowFate::kDrop, RowFate::kQuarantine,
                                        RowFate::kKeep));
  EXPECT_EQ(triage->reasons[1], "quantity=-3 violates expect_column_values_to_be_between(min_value=1, max_value=1000)");
  // Row 3 failed two expectations; the warn one is listed but does not decide its fate.
  EXPECT_THAT(triage->failed[3], ElementsAre("expect_column_values_to_be_between(min_value=1, max_value=1000)",
                                             "expect_column_values_to_be_unique()"));
  EXPECT_THAT(triage->reasons[2], HasSubstr("status=\"bogus\" violates expect_column_values_to_be_in_set"));
  EXPECT_EQ(triage->kept, 2);
  EXPECT_EQ(triage->dropped, 1);
  EXPECT_EQ(triage->quarantined, 2);

  auto split = SplitByFate(*triage, batch);
  ASSERT_TRUE(split.ok()) << split.status();
  EXPECT_EQ(split->kept->num_rows(), 2);
  EXPECT_EQ(split->dropped, 1);
  ASSERT_EQ(split->quarantined->num_rows(), 2);
  auto ids = std::static_pointer_cast<arrow::StringArray>(split->quarantined->GetColumnByName("event_id"));
  EXPECT_EQ(ids->GetString(0), "e2");
  EXPECT_EQ(ids->GetString(1), "e3");
  auto reasons = std::static_pointer_cast<arrow::StringArray>(split->quarantined->GetColumnByName("quarantine_reason"));
  EXPECT_THAT(reasons->GetString(1), HasSubstr("quantity=2000 violates"));
  auto failed = std::static_pointer_cast<arrow::ListArray>(split->quarantined->GetColumnByName("failed_expectations"));
  EXPECT_EQ(failed->value_length(1), 2);
}

TEST(RowTriageTest, RowsFailingAMostlyExpectationAreStillQuarantined) {
  Suite suite = ParseOrThrow(R"(
name: orders
expectations:
  - type: expect_column_values_to_be_between
    column: quantity
    min_value: 1
    max_value: 1000
    mostly: 0.5
    action: quarantine
)");
  auto batch = Orders();
  auto result = Validate(suite, *batch);
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result->results[0].success);
  auto triage = TriageRows(*result, *batch);
  ASSERT_TRUE(triage.ok());
  EXPECT_EQ(triage->quarantined, 2);
}

TEST(RowTriageTest, FailActionStopsTheBatchWithTheReason) {
  Suite suite = ParseOrThrow(R"(
name: orders
expectations:
  - type: expect_column_values_to_be_between
    column: quantity
    min_value: 1
    action: fail
)");
  auto result = Validate(suite, *Orders());
  ASSERT_TRUE(result.ok());
  Status stop = StopStatus(*result);
  ASSERT_FALSE(stop.ok());
  EXPECT_TRUE(stop.IsInvalidArgument());
  EXPECT_THAT(stop.message(), HasSubstr("suite 'orders'"));
  EXPECT_THAT(stop.message(), HasSubstr("expect_column_values_to_be_between(min_value=1) on column 'quantity'"));
  EXPECT_THAT(stop.message(), HasSubstr("1 unexpected of 5 rows, e.g. -3"));
  EXPECT_THAT(stop.message(), HasSubstr("nothing committed"));
}

TEST(RowTriageTest, FailedTableExpectationAppliesToEveryRow) {
  Suite suite = ParseOrThrow(R"(
name: orders
expectations:
  - type: expect_table_row_count_to_be_between
    max_value: 3
    action: quarantine
  - type: expect_column_values_to_not_be_null
    column: missing_column
    action: drop
)");
  auto batch = Orders();
  auto result = Validate(suite, *batch);
  ASSERT_TRUE(result.ok());
  auto triage = TriageRows(*result, *batch);
  ASSERT_TRUE(triage.ok());
  EXPECT_EQ(triage->quarantined, 5);
  EXPECT_THAT(triage->reasons[0], HasSubstr("batch violates expect_table_row_count_to_be_between(max_value=3) (observed 5)"));
  EXPECT_THAT(triage->reasons[0], HasSubstr("column 'missing_column' not found"));
}

TEST(RowTriageTest, CleanBatchKeepsEverything) {
  Suite suite = ParseOrThrow(R"(
name: orders
default_action: fail
expectations:
  - type: expect_column_values_to_not_be_null
    column: event_id
)");
  auto batch = Orders();
  auto result = Validate(suite, *batch);
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(StopStatus(*result).ok());
  auto triage = TriageRows(*result, *batch);
  ASSERT_TRUE(triage.ok());
  EXPECT_EQ(triage->kept, 5);
  auto split = SplitByFate(*triage, batch);
  ASSERT_TRUE(split.ok());
  EXPECT_EQ(split->kept->num_rows(), 5);
  EXPECT_EQ(split->quarantined->num_rows(), 0);
  EXPECT_EQ(split->quarantined->num_columns(), 5);
}

}  // namespace
}  // namespace medallion::quality
