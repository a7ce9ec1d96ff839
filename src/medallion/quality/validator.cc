#include "medallion/quality/validator.h"

#include <arrow/api.h>

#include <algorithm>
#include <chrono>
#include <set>

#include "medallion/common/arrow_status.h"
#include "medallion/quality/arrow_values.h"
#include "medallion/quality/column_map_checks.h"
#include "medallion/quality/expectation_catalog.h"

namespace medallion::quality {
namespace {

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string ColumnList(const arrow::Schema& schema) {
  std::string out;
  for (const auto& field : schema.fields()) out += (out.empty() ? "" : ", ") + field->name();
  return out;
}

bool IsTrue(const Json& flag) { return flag.is_boolean() && flag.get<bool>(); }

// Same arithmetic as GE's _mostly_success, so borderline ratios agree.
bool MostlySuccess(int64_t considered, int64_t unexpected, double mostly) {
  double considered_f = static_cast<double>(considered);
  return (considered_f - static_cast<double>(unexpected)) / considered_f >= mostly;
}

void EvaluateColumnToExist(const Expectation& e, const arrow::RecordBatch& batch, ExpectationResult& r) {
  const auto& fields = batch.schema()->fields();
  const std::string& name = *e.column;
  // GE tests `if column_index:`, so an index of 0 means "anywhere".
  const Json index = e.kwargs.contains("column_index") ? e.kwargs["column_index"] : Json(nullptr);
  if (index.is_number_integer() && index.get<int64_t>() != 0) {
    int64_t i = index.get<int64_t>();
    r.success = i >= 0 && i < static_cast<int64_t>(fields.size()) && fields[i]->name() == name;
  } else {
    r.success = batch.schema()->GetFieldIndex(name) >= 0;
  }
}

void EvaluateColumnsMatchSet(const Expectation& e, const arrow::RecordBatch& batch, ExpectationResult& r) {
  std::set<std::string> actual, expected;
  for (const auto& field : batch.schema()->fields()) actual.insert(field->name());
  for (const auto& name : e.kwargs["column_set"]) expected.insert(name.is_string() ? name.get<std::string>() : name.dump());
  // Absent means GE's default (true); an explicit null is falsy in GE's `if exact_match:`.
  const bool exact_match = !e.kwargs.contains("exact_match") || IsTrue(e.kwargs["exact_match"]);
  r.observed_value = Json(std::vector<std::string>(actual.begin(), actual.end()));
  Json unexpected = Json::array(), missing = Json::array();
  for (const auto& name : actual) {
    if (!expected.count(name)) unexpected.push_back(name);
  }
  for (const auto& name : expected) {
    if (!actual.count(name)) missing.push_back(name);
  }
  if (unexpected.empty() && missing.empty()) {
    r.success = true;
    return;
  }
  Json mismatched = Json::object();
  if (!unexpected.empty()) mismatched["unexpected"] = unexpected;
  if (!missing.empty()) mismatched["missing"] = missing;
  r.details = {{"mismatched", mismatched}};
  r.success = exact_match ? false : missing.empty();
}

void EvaluateRowCount(const Expectation& e, const arrow::RecordBatch& batch, ExpectationResult& r) {
  const int64_t rows = batch.num_rows();
  r.observed_value = rows;
  bool ok = true;
  if (e.kwargs.contains("min_value") && e.kwargs["min_value"].is_number()) {
    double min = e.kwargs["min_value"].get<double>();
    bool strict = e.kwargs.contains("strict_min") && IsTrue(e.kwargs["strict_min"]);
    ok = ok && (strict ? rows > min : rows >= min);
  }
  if (e.kwargs.contains("max_value") && e.kwargs["max_value"].is_number()) {
    double max = e.kwargs["max_value"].get<double>();
    bool strict = e.kwargs.contains("strict_max") && IsTrue(e.kwargs["strict_max"]);
    ok = ok && (strict ? rows < max : rows <= max);
  }
  r.success = ok;
}

void EvaluateOfType(const Expectation& e, const arrow::Array& column, ExpectationResult& r) {
  r.observed_value = GreatExpectationsTypeName(*column.type());
  r.success = TypeMatchesName(*column.type(), e.kwargs["type_"].get<std::string>());
}

// Fills the GE map-expectation statistics from the missing and unexpected
// masks and records the failing rows.
void SummarizeMap(const Expectation& e, const arrow::Array& column, const arrow::BooleanArray& missing,
                  const arrow::BooleanArray* unexpected, int partial_limit, ExpectationResult& r) {
  const int64_t rows = column.length();
  int64_t missing_count = 0;
  r.partial_unexpected_list = Json::array();
  r.row_level = true;
  for (int64_t i = 0; i < rows; ++i) {
    const bool is_missing = missing.Value(i);
    missing_count += is_missing;
    bool bad;
    if (unexpected == nullptr) {
      bad = is_missing;  // not_null: a missing value is the unexpected one
    } else {
      bad = !is_missing && (unexpected->IsNull(i) || unexpected->Value(i));
    }
    if (!bad) continue;
    r.unexpected_rows.push_back(i);
    if (static_cast<int>(r.partial_unexpected_list.size()) < partial_limit) {
      r.partial_unexpected_list.push_back(ArrayValueToJson(column, i));
    }
  }
  const int64_t unexpected_count = static_cast<int64_t>(r.unexpected_rows.size());
  r.element_count = rows;
  r.unexpected_count = unexpected_count;
  if (unexpected == nullptr) {
    r.success = rows == 0 || MostlySuccess(rows, unexpected_count, e.mostly);
    if (rows > 0) r.unexpected_percent = 100.0 * unexpected_count / rows;
    return;
  }
  const int64_t nonmissing = rows - missing_count;
  r.missing_count = missing_count;
  r.success = rows == 0 || nonmissing == 0 || MostlySuccess(nonmissing, unexpected_count, e.mostly);
  if (rows > 0) {
    r.missing_percent = 100.0 * missing_count / rows;
    r.unexpected_percent_total = 100.0 * unexpected_count / rows;
    if (nonmissing > 0) r.unexpected_percent = 100.0 * unexpected_count / nonmissing;
  }
}

Status EvaluateOne(const Expectation& e, const arrow::RecordBatch& batch, const ValidateOptions& options,
                   ExpectationResult& r) {
  const ExpectationSpec* spec = FindExpectationSpec(e.type);
  if (spec == nullptr) {
    r.exception_message = "unknown expectation type '" + e.type + "'";
    return Status::OK();
  }
  if (spec->kind == ExpectationKind::kTable) {
    if (e.type == "expect_column_to_exist") EvaluateColumnToExist(e, batch, r);
    if (e.type == "expect_table_columns_to_match_set") EvaluateColumnsMatchSet(e, batch, r);
    if (e.type == "expect_table_row_count_to_be_between") EvaluateRowCount(e, batch, r);
    return Status::OK();
  }
  auto column = batch.GetColumnByName(*e.column);
  if (column == nullptr) {
    r.exception_message = "column '" + *e.column + "' not found (columns: " + ColumnList(*batch.schema()) + ")";
    return Status::OK();
  }
  if (spec->kind == ExpectationKind::kColumnWhole) {
    EvaluateOfType(e, *column, r);
    return Status::OK();
  }
  MEDALLION_ASSIGN_OR_RETURN(auto missing, MissingMask(column));
  if (e.type == "expect_column_values_to_not_be_null") {
    SummarizeMap(e, *column, *missing, nullptr, options.partial_unexpected_count, r);
    return Status::OK();
  }
  auto unexpected = UnexpectedMask(e, column);
  if (!unexpected.ok()) {
    if (unexpected.status().code() == StatusCode::kInternal) return unexpected.status();
    r.exception_message = "column '" + *e.column + "': " + unexpected.status().message();
    return Status::OK();
  }
  SummarizeMap(e, *column, *missing, unexpected->get(), options.partial_unexpected_count, r);
  return Status::OK();
}

}  // namespace

Result<ValidationResult> Validate(const Suite& suite, const arrow::RecordBatch& batch, const ValidateOptions& options) {
  MEDALLION_RETURN_IF_ERROR(EnsureArrowComputeReady());
  ValidationResult v;
  v.suite_name = suite.name;
  v.evaluated_at_us = options.evaluated_at_us != 0 ? options.evaluated_at_us : NowMicros();
  v.run_id = !options.run_id.empty() ? options.run_id : suite.name + "-" + std::to_string(v.evaluated_at_us);
  v.row_count = batch.num_rows();
  for (const auto& e : suite.expectations) {
    ExpectationResult r;
    r.expectation = e;
    MEDALLION_RETURN_IF_ERROR(
        EvaluateOne(e, batch, options, r).WithContext("suite '" + suite.name + "', " + e.Describe()));
    if (r.exception_message) r.success = false;
    v.statistics.evaluated_expectations++;
    (r.success ? v.statistics.successful_expectations : v.statistics.unsuccessful_expectations)++;
    v.results.push_back(std::move(r));
  }
  v.success = v.statistics.unsuccessful_expectations == 0;
  if (v.statistics.evaluated_expectations > 0) {
    v.statistics.success_percent =
        100.0 * v.statistics.successful_expectations / v.statistics.evaluated_expectations;
  }
  return v;
}

Result<ValidationResult> Validate(const Suite& suite, const arrow::Table& table, const ValidateOptions& options) {
  // One contiguous batch keeps row indices simple; the Silver job validates
  // micro-batches, so the copy is small.
  MEDALLION_ASSIGN_OR_RETURN_ARROW(auto batch, table.CombineChunksToBatch());
  return Validate(suite, *batch, options);
}

}  // namespace medallion::quality
