// The generator's ground truth as Arrow, ready to be written to the sidecar
// Delta table `_truth/daily_demand` (one row per product and day).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "medallion/common/result.h"
#include "medallion/ingest/demand_model.h"

namespace arrow {
class RecordBatch;
class Schema;
}  // namespace arrow

namespace medallion::ingest {

// date date32, product_id string, category string, expected_units double,
// price_usd double, promo bool, discount double, holiday_factor double.
std::shared_ptr<arrow::Schema> DailyDemandSchema();

Result<std::shared_ptr<arrow::RecordBatch>> DailyDemandToArrow(const DemandModel& model,
                                                               const std::vector<DailyDemand>& rows);

inline constexpr char kDemandTruthTable[] = "_truth/daily_demand";

// Writes the expected demand of every product for every day in
// [first_date, last_date) to <lake>/_truth/daily_demand, replacing the table
// (the truth is a pure function of the model, so a rewrite is idempotent).
// Returns the table version. Used by `medallion produce --truth-lake` and the
// embedded demo.
Result<int64_t> WriteDemandTruth(const std::string& lake_uri, const DemandModel& model, int32_t first_date,
                                 int32_t last_date);

}  // namespace medallion::ingest
