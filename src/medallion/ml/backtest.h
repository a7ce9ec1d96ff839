// Rolling-origin backtest. The last days of the panel are cut into `folds`
// consecutive blocks of `fold_step` forecast origins. For each fold and
// horizon h the model is fitted afresh on rows whose target day is before the
// fold's first origin (nothing from the fold can reach training) and scored on
// the fold's origins. Seasonal naive is scored on exactly the same rows, so the
// two columns of every report compare like with like.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "medallion/common/result.h"
#include "medallion/ml/dataset.h"
#include "medallion/ml/features.h"
#include "medallion/ml/fit_pool.h"
#include "medallion/ml/metrics.h"
#include "medallion/ml/model.h"
#include "medallion/ml/panel.h"

namespace medallion::ml {

struct BacktestSpec {
  std::vector<int> horizons = {1, 7};
  int folds = 5;
  int fold_step = 7;  // forecast origins per fold (days)
  // Residual (actual - forecast) quantiles kept per horizon for intervals.
  std::vector<double> quantiles = {0.05, 0.1, 0.5, 0.9, 0.95};
  // One model per fold fitted on the stacked rows of every horizon (the
  // features must carry the horizon) instead of one model per fold and horizon.
  bool pooled = false;
};

struct ResidualQuantile {
  double q = 0;
  double residual = 0;  // forecast + residual is the q-quantile of the actual
};

struct HorizonReport {
  int horizon = 0;
  RegressionMetrics model;
  RegressionMetrics seasonal_naive;
  std::vector<ResidualQuantile> residual_quantiles;
};

struct FoldReport {
  int fold = 0;
  Day first_origin = 0, last_origin = 0;
  int horizon = 0;
  size_t train_rows = 0;
  RegressionMetrics model;
  RegressionMetrics seasonal_naive;
};

struct BacktestReport {
  std::string model_kind;
  std::vector<HorizonReport> horizons;
  std::vector<FoldReport> folds;
  RegressionMetrics overall_model;           // all horizons and folds pooled
  RegressionMetrics overall_seasonal_naive;
  double mase_scale = 0;                     // seasonal naive in-sample MAE before the first fold
};

// A fresh, unfitted model for each fold and horizon.
using ModelFactory = std::function<Result<std::unique_ptr<Model>>()>;
// Called after each fit (per fold and horizon, or per fold when pooled) with the number done and the total.
using BacktestProgress = std::function<void(size_t done, size_t total)>;

// Pooled fold models are fitted through `pool` when given (side by side, see
// fit_pool.h), one after the other otherwise.
Result<BacktestReport> RunBacktest(const Panel& panel, const FeatureBuilder& features, const BacktestSpec& spec,
                                   const ModelFactory& make_model, const BacktestProgress& progress = {},
                                   FitPool* pool = nullptr);

}  // namespace medallion::ml
