// Training the demand model on Gold: reads <lake>/gold/features_daily (one row
// per product and day, see transform/features_daily.h), runs the rolling-origin
// backtest next to seasonal naive, fits the final model on every row up to
// `as_of` and registers it (ml::Registry) with its backtest metrics and the
// Gold table version it read.
//
// One global model serves every horizon: the training rows of horizons
// 1..max(horizons) are stacked with the horizon as a feature (the direct
// strategy, one booster instead of one per horizon), so the registered model
// file is a single XGBoost JSON that also answers J+2..J+6. The backtest fits
// the same stacked model per fold, so its numbers describe what is deployed.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "medallion/common/result.h"
#include "medallion/ml/backtest.h"
#include "medallion/ml/model.h"

namespace medallion::ml {

struct TrainOptions {
  std::string lake_uri;                 // Gold is read from <lake>/gold/features_daily
  std::string model_name = "demand";
  std::string kind = "xgboost";         // "xgboost" or "ridge"
  std::vector<int> horizons = {1, 7};   // reported horizons; the model covers 1..max
  int folds = 5;
  int fold_step = 7;                    // forecast origins per fold (days)
  nlohmann::json params = nlohmann::json::object();  // empty: DefaultDemandParams(kind)
  std::string as_of;                    // YYYY-MM-DD: train on rows dated <= as_of; empty: all
  bool progress = false;                // progress display on stderr
  bool register_model = true;           // false: backtest and fit only (benchmarks)
  std::string features_table = "gold/features_daily";  // relative to the lake
};

struct TrainReport {
  std::string model_name;
  int64_t version = -1;                 // registry version, -1 when not registered
  std::string kind;
  std::string trained_on_table;         // "gold/features_daily"
  int64_t trained_on_version = -1;      // its Delta version read
  std::string first_day, last_day;      // history used (YYYY-MM-DD)
  size_t series = 0;
  size_t training_rows = 0;
  BacktestReport backtest;
  std::vector<std::string> features;     // the model's inputs, "horizon" among them
  std::vector<FeatureImportance> importance;
  nlohmann::json metrics;               // what the registry stores (see MetricsJson)
  double seconds = 0;

  // Per-horizon and overall table, model next to seasonal naive.
  std::string ToString() const;
};

// Parameters tuned for daily unit demand (XGBoost: tweedie objective, 400
// rounds, depth 4, eta 0.03; ridge: alpha 1).
nlohmann::json DefaultDemandParams(const std::string& kind);

// The registry's metrics_json: {"overall": {count, mae, rmse, wape, smape,
// mase, r2, bias}, "by_horizon": {"1": {..., "residual_quantiles": {"0.1": r,
// ...}, "seasonal_naive": {...}}, ...}, "seasonal_naive": {"overall": {...},
// "by_horizon": {...}}, "mase_scale", "folds", "model_kind"}.
nlohmann::json MetricsJson(const BacktestReport& report);

Result<TrainReport> TrainDemandModel(const TrainOptions& options);

}  // namespace medallion::ml
