// The Gold tables computed from Silver `orders` for a range of event dates.
// Each function is pure (Silver rows in, Gold rows out) so the streaming job
// and the batch recompute share it, and the DuckDB test
// (tests/interop/test_gold_duckdb.py) recomputes each one independently.
//
// Definitions used by every table:
//   order        one `order_created` event. Cancellations (`order_cancelled`
//                events) never reduce orders, units or revenue: those are
//                gross bookings; sales_daily counts cancellations on their own
//                so the net (orders - cancellations) is one subtraction away.
//   units        sum of `quantity` over orders.
//   revenue      sum of `total_amount_usd` over orders: US dollars, whatever
//                currency the orders were placed in.
//   day          `event_date` (UTC date of event_time); hour: event_time
//                truncated to the hour (UTC).
//   growth       (revenue - earlier revenue) / earlier revenue; null when the
//                earlier day has no row or zero revenue.
//   rates        a ratio of counts; null when the denominator is 0.
// A row exists only where its group has at least one counted event.
#pragma once

#include <arrow/type_fwd.h>

#include <cstdint>
#include <memory>

#include "medallion/common/result.h"

namespace medallion::transform {

struct DateRange {
  int32_t from = 0;  // days since 1970-01-01, inclusive
  int32_t to = 0;    // inclusive
  bool Contains(int32_t day) const { return day >= from && day <= to; }
};

// event_date, hour, city, country, orders, units, revenue.
Result<std::shared_ptr<arrow::Table>> RevenueCityHourly(const std::shared_ptr<arrow::Table>& silver, DateRange range);

// event_date, product_id, category, orders, units, revenue.
Result<std::shared_ptr<arrow::Table>> RevenueProductDaily(const std::shared_ptr<arrow::Table>& silver, DateRange range);

// event_date, product_id, units, revenue, orders, cancellations (rows where
// orders > 0 or cancellations > 0).
Result<std::shared_ptr<arrow::Table>> SalesDaily(const std::shared_ptr<arrow::Table>& silver, DateRange range);

// event_date, category, orders, units, revenue, revenue_prev_day,
// revenue_dod_growth, revenue_prev_week (same category 7 days earlier),
// revenue_wow_growth. Reads Silver from range.from - 7.
Result<std::shared_ptr<arrow::Table>> CategoryDaily(const std::shared_ptr<arrow::Table>& silver, DateRange range);

// event_date, rank (1 = highest revenue that day; ties broken by the smaller
// product_id), product_id, revenue, units, orders; the first `top_n` of each day.
Result<std::shared_ptr<arrow::Table>> TopProducts(const std::shared_ptr<arrow::Table>& silver, DateRange range,
                                                  int top_n = 10);

// event_date, country, orders, units, revenue, customers (distinct customers
// with an order), avg_order_value (revenue / orders).
Result<std::shared_ptr<arrow::Table>> CountryDaily(const std::shared_ptr<arrow::Table>& silver, DateRange range);

// event_date, product_id, views (product_viewed), add_to_cart, orders,
// view_to_cart_rate (add_to_cart / views), cart_to_order_rate (orders /
// add_to_cart), view_to_order_rate (orders / views).
Result<std::shared_ptr<arrow::Table>> FunnelDaily(const std::shared_ptr<arrow::Table>& silver, DateRange range);

}  // namespace medallion::transform
