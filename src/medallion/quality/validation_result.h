// The outcome of validating one batch against a suite, in the shape Great
// Expectations reports it (so GE-aware tools and people can read it), plus the
// row indices each row-level expectation rejected (so the Silver job can drop
// or quarantine exactly those rows).
#pragma once

#include <arrow/type_fwd.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "medallion/common/result.h"
#include "medallion/quality/expectation.h"

namespace medallion::quality {

// GE's "result" for one expectation. Which fields are present follows GE:
//  - column map expectations: element_count (all rows), unexpected_count
//    (over non-null values), unexpected_percent (of non-null values),
//    missing_count/percent, unexpected_percent_total/nonmissing,
//    partial_unexpected_list (first 20 unexpected values);
//  - expect_column_values_to_not_be_null: element_count, unexpected_count,
//    unexpected_percent (of all rows), partial_unexpected_list; no missing_*;
//  - table and whole-column expectations: observed_value (and details).
struct ExpectationResult {
  Expectation expectation;
  bool success = false;

  std::optional<int64_t> element_count;
  std::optional<int64_t> unexpected_count;
  std::optional<double> unexpected_percent;
  std::optional<int64_t> missing_count;
  std::optional<double> missing_percent;
  std::optional<double> unexpected_percent_total;
  Json partial_unexpected_list;  // null when not a map expectation
  Json observed_value;           // null when not reported
  Json details;                  // null when not reported

  // Evaluation could not run (missing column, bad regex...): success is false
  // and this says why, like GE's exception_info.
  std::optional<std::string> exception_message;

  // Row-level expectations: indices (ascending) of the rows whose value is
  // unexpected. Empty for table/whole-column expectations.
  bool row_level = false;
  std::vector<int64_t> unexpected_rows;
};

struct ValidationStatistics {
  int64_t evaluated_expectations = 0;
  int64_t successful_expectations = 0;
  int64_t unsuccessful_expectations = 0;
  std::optional<double> success_percent;  // null when nothing was evaluated
};

struct ValidationResult {
  std::string suite_name;
  std::string run_id;
  int64_t evaluated_at_us = 0;  // UTC, microseconds since the epoch
  int64_t row_count = 0;
  bool success = true;
  ValidationStatistics statistics;
  std::vector<ExpectationResult> results;
};

// GE 1.x ExpectationSuiteValidationResult JSON:
// {success, results[{success, expectation_config{type, kwargs, meta}, result{...},
//  exception_info, meta}], suite_name, suite_parameters, statistics, meta{run_id, validation_time}}.
Json ToGreatExpectationsJson(const ValidationResult& result);

// Schema of the flat per-expectation form appended to gold/quality_metrics.
std::shared_ptr<arrow::Schema> QualityMetricsSchema();

// One row per expectation: run_id, suite, expectation, column, success,
// element_count, unexpected_count, unexpected_percent, evaluated_at.
Result<std::shared_ptr<arrow::Table>> ToQualityMetricsTable(const ValidationResult& result);

}  // namespace medallion::quality
