// One Bronze batch -> Silver rows + quarantined rows + a validation result.
//
// Order of judgement, per Bronze row:
//   1. parse and type the value (silver_parser.h): failures are quarantined;
//   2. the suite runs on the typed rows (config/quality/orders_suite.yaml):
//      quarantine/drop/warn/fail per expectation (quality/row_triage.h);
//   3. surviving rows whose currency has no rate to US dollars are
//      quarantined under rule currency_has_usd_rate (currency_rates.h);
//   4. the rest are deduplicated by event_id (silver_dedup.h): later
//      copies are quarantined under rule dedup_event_id, so every Bronze row
//      is accounted for in Silver, quarantine or the drop count.
// The output is a pure function of the Bronze rows and the dedup state, which
// is what makes a re-run after a crash write the same rows.
#pragma once

#include <arrow/type_fwd.h>

#include <cstdint>
#include <memory>

#include "medallion/common/result.h"
#include "medallion/quality/expectation.h"
#include "medallion/quality/validation_result.h"
#include "medallion/quality/validator.h"
#include "medallion/transform/currency_rates.h"
#include "medallion/transform/silver_dedup.h"
#include "medallion/transform/silver_parser.h"

namespace medallion::transform {

struct SilverBatch {
  std::shared_ptr<arrow::Table> silver;      // SilverOrdersSchema()
  std::shared_ptr<arrow::Table> quarantine;  // QuarantineSchema()
  // The suite's results on the typed rows, preceded by three medallion
  // expectations covering the stages before and after it:
  // expect_bronze_value_to_be_an_order, expect_currency_to_have_a_usd_rate
  // and expect_event_id_to_be_unique_within_horizon.
  quality::ValidationResult validation;
  int64_t input_rows = 0;
  int64_t parse_failures = 0;
  int64_t dropped = 0;
  int64_t duplicates = 0;
};

// `bronze`: Bronze-schema rows plus an int64 `bronze_version` column.
// `dedup` gains the batch's accepted ids as pending: the caller Commit()s or
// Abort()s them. InvalidArgument (nothing to commit) when an expectation with
// action `fail` fails.
Result<SilverBatch> TransformBronze(const std::shared_ptr<arrow::Table>& bronze, const quality::Suite& suite,
                                    OrderParser& parser, DedupState& dedup, const CurrencyRates& rates,
                                    const quality::ValidateOptions& validate_options = {});

}  // namespace medallion::transform
