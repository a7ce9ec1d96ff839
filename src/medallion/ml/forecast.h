// Forecasting the unknown future: one model per horizon (direct strategy),
// fitted on every labelled row, each predicting from the last observed day.
// Prediction intervals come from the backtest's residual quantiles for the
// same horizon (empirical, so they carry the model's real error, not an
// assumed distribution).
#pragma once

#include <string>
#include <vector>

#include "medallion/ml/backtest.h"

namespace medallion::ml {

struct Forecast {
  std::string series_id;
  Day origin = 0;
  Day target_day = 0;
  int horizon = 0;
  double point = 0;
  double lower = 0;  // point + residual quantile `lower_q`
  double upper = 0;  // point + residual quantile `upper_q`
};

struct ForecastSpec {
  std::vector<int> horizons = {1, 2, 3, 4, 5, 6, 7};
  double lower_q = 0.05;
  double upper_q = 0.95;
};

// Forecasts from `origin` (default: the panel's last observed day) for every
// series observed on it. `residuals` (from RunBacktest) supply the interval of
// each horizon; a horizon the backtest did not cover has lower = upper = point.
Result<std::vector<Forecast>> ForecastFromOrigin(const Panel& panel, const FeatureBuilder& features,
                                                 const ForecastSpec& spec, const ModelFactory& make_model,
                                                 const std::vector<HorizonReport>& residuals, Day origin);

}  // namespace medallion::ml
