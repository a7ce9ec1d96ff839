// The Northwind star schema (ingest/pg_northwind.h) with a quality suite on
// every Silver table: `medallion northwind`.
//
// Suites are native YAML files <suites_dir>/<table>.yaml, one per Silver
// table (customers, products, categories, employees, shippers, order_facts);
// a missing file is an error, so a table is never published unchecked.
//
// Order of work, so that a rejected row reaches neither Silver nor Gold:
//   1. current rows of each Bronze table (CurrentRows);
//   2. each dimension is validated; quarantined/dropped rows leave it;
//   3. order_facts is built from the kept dimensions and validated (a line
//      whose customer was quarantined has no country and fails too);
//   4. Gold is computed from the kept order_facts only.
// Any unsuccessful expectation with action `fail` stops before anything is
// written. Then each Silver table and its silver/<table>_quarantine (the
// rejected rows plus failed_expectations and quarantine_reason) are replaced
// in full, like the rest of the model, and one row per expectation per suite
// is appended to <lake>/gold/quality_metrics.
#pragma once

#include <arrow/type_fwd.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "medallion/common/result.h"
#include "medallion/ingest/pg_northwind.h"
#include "medallion/quality/expectation.h"
#include "medallion/quality/validation_result.h"

namespace medallion::transform {

// The Silver tables that carry a suite, in the order they are checked.
const std::vector<std::string>& NorthwindSilverTables();

// table name -> suite, from <suites_dir>/<table>.yaml.
Result<std::map<std::string, quality::Suite>> LoadNorthwindSuites(const std::string& suites_dir);

struct CheckedTable {
  std::shared_ptr<arrow::Table> kept;
  // Rejected rows plus failed_expectations (list<utf8>) and quarantine_reason.
  std::shared_ptr<arrow::Table> quarantined;
  int64_t dropped = 0;
  quality::ValidationResult result;
};

// Validates `data` and splits it by each row's fate. InvalidArgument (from
// quality::StopStatus) when an expectation with action `fail` is unsuccessful.
Result<CheckedTable> ApplySuite(const quality::Suite& suite, const std::shared_ptr<arrow::Table>& data,
                                const std::string& run_id);

struct NorthwindQualityReport {
  std::vector<ingest::WrittenTable> written;  // Silver, quarantine, Gold and metrics tables
  std::map<std::string, int64_t> quarantined;  // per Silver table
  std::map<std::string, int64_t> dropped;
  std::map<std::string, bool> success;  // per suite name
};

Result<NorthwindQualityReport> BuildCheckedNorthwindModel(const std::string& lake_root,
                                                          const std::string& suites_dir);

}  // namespace medallion::transform
