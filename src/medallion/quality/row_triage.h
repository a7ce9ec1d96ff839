// Turns a ValidationResult into what happens to each row of the batch, so the
// Silver job can drop or quarantine exactly the failing rows, with every
// expectation each row failed and a reason a person can act on:
//   quantity=-3 violates expect_column_values_to_be_between(min_value=1, max_value=1000)
//
// Rules:
//  - a row-level expectation acts on the rows whose value failed it, whether
//    or not `mostly` let the expectation as a whole pass (the rows are bad
//    either way; `mostly` decides the reported success and `fail`);
//  - a table-level or whole-column expectation (row count, column set, type)
//    or one that could not be evaluated (missing column) has no failing rows
//    of its own: when it fails, drop/quarantine applies to every row;
//  - quarantine wins over drop; warn keeps the row but its failures are still
//    listed;
//  - `fail`: an unsuccessful expectation with action fail stops the batch:
//    StopStatus() is InvalidArgument with the reason, and nothing may be
//    committed.
#pragma once

#include <arrow/type_fwd.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "medallion/common/result.h"
#include "medallion/quality/validation_result.h"

namespace medallion::quality {

enum class RowFate { kKeep, kDrop, kQuarantine };

struct RowTriage {
  std::vector<RowFate> fate;                        // one per row
  std::vector<std::vector<std::string>> failed;     // per row: failed expectation descriptions
  std::vector<std::string> reasons;                 // per row: "; "-joined reasons, empty if clean
  int64_t kept = 0;
  int64_t dropped = 0;
  int64_t quarantined = 0;
};

// OK unless an expectation with action `fail` is unsuccessful; then
// InvalidArgument naming the suite, expectation, column and sample values.
Status StopStatus(const ValidationResult& result);

// Per-row fates and reasons. `batch` must be the one that was validated
// (values are read from it for the reasons).
Result<RowTriage> TriageRows(const ValidationResult& result, const arrow::RecordBatch& batch);

struct SplitBatches {
  std::shared_ptr<arrow::RecordBatch> kept;
  // The quarantined rows with two more columns: failed_expectations
  // (list<utf8>) and quarantine_reason (utf8).
  std::shared_ptr<arrow::RecordBatch> quarantined;
  int64_t dropped = 0;
};

Result<SplitBatches> SplitByFate(const RowTriage& triage, const std::shared_ptr<arrow::RecordBatch>& batch);

}  // namespace medallion::quality
