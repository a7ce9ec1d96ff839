// Evaluates a Suite on a batch of Arrow data and reports, per expectation,
// what Great Expectations would report on the same data, plus the failing row
// indices of every row-level expectation.
//
// Null semantics follow GE exactly:
//  - element_count is every row; "missing" is null (and NaN in float columns,
//    which pandas treats as missing);
//  - column map expectations ignore missing values: unexpected_count counts
//    non-missing values only, unexpected_percent is over non-missing values,
//    and success = (non-missing - unexpected) / non-missing >= mostly, vacuously
//    true for an empty batch or an all-missing column;
//  - expect_column_values_to_not_be_null counts missing values as unexpected
//    over all rows.
#pragma once

#include <arrow/type_fwd.h>

#include <cstdint>
#include <memory>
#include <string>

#include "medallion/common/result.h"
#include "medallion/quality/expectation.h"
#include "medallion/quality/validation_result.h"

namespace medallion::quality {

struct ValidateOptions {
  std::string run_id;         // empty: "<suite>-<evaluated_at>"
  int64_t evaluated_at_us = 0;  // 0: now
  int partial_unexpected_count = 20;  // GE's SUMMARY default
};

// An expectation that cannot be evaluated (missing column, bad regex) is an
// unsuccessful result with exception_message, as in GE; only internal Arrow
// failures make the whole call fail.
Result<ValidationResult> Validate(const Suite& suite, const arrow::RecordBatch& batch,
                                  const ValidateOptions& options = {});
Result<ValidationResult> Validate(const Suite& suite, const arrow::Table& table, const ValidateOptions& options = {});

}  // namespace medallion::quality
