// The generator's ground truth as Arrow, ready to be written to the sidecar
// Delta table `_truth/daily_demand` (one row per product and day).
#pragma once

#include <memory>
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

}  // namespace medallion::ingest
