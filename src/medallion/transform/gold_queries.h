// Named analytics queries over the Gold tables, for `medallion query` (and
// the API later). Each reads Gold only, never Silver.
//
//   daily_revenue_growth  per day from gold/sales_daily: orders, units,
//                         revenue, revenue_dod_growth, revenue_wow_growth
//                         (growth as in gold_tables.h).
//   category_growth       gold/category_daily: event_date, category, revenue,
//                         revenue_dod_growth, revenue_wow_growth.
//   top_sellers           per product over the selected days from
//                         gold/sales_daily: rank (revenue desc, product_id
//                         asc), product_id, units, revenue, orders; `limit` rows.
//   demand_vs_actual      gold/demand_forecast joined with gold/sales_daily on
//                         (day, product): event_date, product_id, forecast,
//                         actual_units (null without a sales row), error
//                         (forecast - actual), abs_error. NotFound while
//                         gold/demand_forecast does not exist.
#pragma once

#include <arrow/type_fwd.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "medallion/common/result.h"

namespace medallion::transform {

struct QueryOptions {
  std::string lake_uri;
  std::optional<int32_t> from, to;  // event_date bounds, inclusive
  int64_t limit = 10;               // top_sellers
};

const std::vector<std::string>& QueryNames();

// InvalidArgument for an unknown name (listing the known ones).
Result<std::shared_ptr<arrow::Table>> RunNamedQuery(const std::string& name, const QueryOptions& options);

}  // namespace medallion::transform
