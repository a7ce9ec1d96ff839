// Scoring past forecasts: every product row of gold/demand_forecast whose
// target day has actuals in gold/features_daily is compared with
//   - the actual units (WAPE, MAE, bias of the model);
//   - the seasonal naive forecast made at the same as_of date (the last value
//     on the same weekday known at as_of), on the same rows;
//   - the oracle: the generator's expected units from <lake>/_truth/daily_demand
//     when that table exists (the best any model could do on average).
// Results per horizon and overall go to <lake>/gold/forecast_accuracy
// (replaced whole: it is a summary of the whole forecast table).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "medallion/common/result.h"

namespace medallion::ml {

struct EvaluateOptions {
  std::string lake_uri;
  std::string model_name;  // empty: every model in the forecast table
  std::string forecast_table = "gold/demand_forecast";
  std::string features_table = "gold/features_daily";
  std::string truth_table = "_truth/daily_demand";
  std::string output_table = "gold/forecast_accuracy";
};

struct AccuracyRow {
  std::string model_name;
  int64_t model_version = -1;
  int horizon = 0;          // 0: all horizons pooled
  int64_t rows = 0;
  double model_wape = 0, model_mae = 0, model_bias = 0;
  double seasonal_naive_wape = 0;
  double oracle_wape = 0;   // NaN without truth
  int64_t oracle_rows = 0;  // rows that also have a truth value
};

struct EvaluateReport {
  bool has_truth = false;
  std::vector<AccuracyRow> rows;
  int64_t table_version = -1;

  // "horizon  rows  model WAPE  seasonal naive WAPE  oracle WAPE" side by side.
  std::string ToString() const;
};

Result<EvaluateReport> EvaluateDemand(const EvaluateOptions& options);

}  // namespace medallion::ml
