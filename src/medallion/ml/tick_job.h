// Tick direction: an XGBoost binary classifier on gold/tick_features
// (transform::TickFeatures: return, RSI, MACD, volatility per tick) that
// predicts whether a symbol's next tick is up. Split by time (never
// shuffled: the past predicts the future): the model is fitted on the ticks
// before a cutoff and evaluated on the latest `test_fraction` of labelled
// ticks, from the cutoff on, against the majority-class baseline. That model
// is registered and scores every tick into gold/tick_predictions, whose
// in_sample column marks the training period, so accuracy read from the table
// over rows with in_sample = false is out of sample.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "medallion/common/result.h"
#include "medallion/ml/metrics.h"
#include "medallion/ml/model.h"

namespace medallion::ml {

struct TickTrainOptions {
  std::string lake_uri;
  std::string model_name = "ticks";
  double test_fraction = 0.2;
  nlohmann::json params = nlohmann::json::object();  // empty: binary:logistic defaults
  bool register_model = true;
  std::string features_table = "gold/tick_features";
  // symbol, ts, prob_up, predicted_direction, model_version, in_sample
  std::string output_table = "gold/tick_predictions";
};

struct TickTrainReport {
  std::string model_name;
  int64_t version = -1;
  int64_t trained_on_version = -1;
  size_t train_rows = 0, test_rows = 0;
  int64_t cutoff_ts = 0;  // the first test tick's ts (the table's unit): train < cutoff <= test
  ClassificationMetrics model;
  ClassificationMetrics majority_baseline;
  std::vector<FeatureImportance> importance;
  int64_t predictions_version = -1;

  std::string ToString() const;
};

// The feature columns read from the tick table.
const std::vector<std::string>& TickFeatureNames();

Result<TickTrainReport> TrainTickModel(const TickTrainOptions& options);

}  // namespace medallion::ml
