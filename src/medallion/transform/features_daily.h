// features_daily: one row per product and day, the model inputs of the
// forecasting module, computed only from days before the row's day (lags and
// rolling windows end the day before), so a feature never leaks its target.
//
//   panel         every product with an order up to range.to, every day from
//                 the first order day in Silver (panel start) to range.to;
//                 days without orders have units = 0, revenue = 0, orders = 0.
//   calendar      day_of_week (ISO, 1 = Monday), week_of_year (ISO), month,
//                 is_holiday (fixed-date holidays: Jan 1, May 1, Dec 24, 25,
//                 26, 31).
//   lag_k         units on day - k (k = 1, 7, 14, 28); null before the panel.
//   rolling_*_N   mean and sample standard deviation of units over days
//                 day-N .. day-1 (N = 7, 14, 30); null unless all N days are
//                 inside the panel.
//   avg_price     mean unit price in US dollars (total_amount_usd / quantity)
//                 of the day's orders; null without orders.
//   promo_share   orders with promo / orders; null without orders.
#pragma once

#include <arrow/type_fwd.h>

#include <cstdint>
#include <memory>

#include "medallion/common/result.h"
#include "medallion/transform/gold_tables.h"

namespace medallion::transform {

struct CalendarFeatures {
  int day_of_week = 1;  // ISO: 1 = Monday .. 7 = Sunday
  int week_of_year = 1;  // ISO week
  int month = 1;
  bool is_holiday = false;
};
CalendarFeatures CalendarOf(int32_t day);

// event_date, product_id, day_of_week, week_of_year, month, is_holiday,
// units, revenue, orders, lag_1, lag_7, lag_14, lag_28, rolling_mean_7,
// rolling_std_7, rolling_mean_14, rolling_std_14, rolling_mean_30,
// rolling_std_30, avg_price, promo_share; rows for days in `range` only.
Result<std::shared_ptr<arrow::Table>> FeaturesDaily(const std::shared_ptr<arrow::Table>& silver, DateRange range);

}  // namespace medallion::transform
