// Batch demand forecasts with the registered champion, written to
// <lake>/gold/demand_forecast.
//
// Rows: per product, J+1..J+7 from the as_of date (the last day of Gold up to
// `as_of`). Roll-ups, where Silver orders tell which category and city a
// product sells in:
//   level "category": the sum of its products' forecasts (a product belongs to
//                     the category of its orders);
//   level "city":     each product's forecast split by its share of units per
//                     city over the 28 days up to as_of, then summed per city.
// Interval bounds are summed the same way, which assumes errors move together
// (wider than independent errors would give: the cautious side).
// The interval of a product row is the point plus the backtest residual
// quantiles (10 % and 90 %) of the same horizon.
//
// Idempotent: the table is partitioned by as_of_date and a run replaces its
// as_of_date partition (OverwritePartitions).
#pragma once

#include <cstdint>
#include <string>

#include "medallion/common/result.h"

namespace medallion::ml {

struct PredictOptions {
  std::string lake_uri;
  std::string model_name = "demand";
  std::string as_of;          // YYYY-MM-DD; empty: the last day in gold/features_daily
  int64_t version = -1;       // a given registry version instead of the champion
  int max_horizon = 7;        // J+1..J+max_horizon
  double lower_q = 0.1, upper_q = 0.9;
  std::string features_table = "gold/features_daily";
  std::string output_table = "gold/demand_forecast";
  // Optional local Parquet file: the product rows' features and the model's
  // raw predictions, so other tools can check the scoring (interop tests).
  std::string rows_out;
};

struct PredictReport {
  std::string model_name;
  int64_t model_version = -1;
  bool used_champion = true;  // false: no champion alias, the newest version was used
  std::string note;           // e.g. "no champion: used newest version 3"
  std::string as_of;
  int64_t product_rows = 0, category_rows = 0, city_rows = 0;
  int64_t table_version = -1;  // of gold/demand_forecast after the write

  std::string ToString() const;
};

Result<PredictReport> PredictDemand(const PredictOptions& options);

}  // namespace medallion::ml
