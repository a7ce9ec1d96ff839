// The one interface every forecasting/classification model implements, so the
// backtest, the registry and the CLI never care which model they hold.
//
// A model remembers the feature names it was fitted on and selects them by
// name at prediction time: column order or extra columns in the input cannot
// silently shift features.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "medallion/common/result.h"
#include "medallion/ml/feature_matrix.h"

namespace medallion::ml {

struct FeatureImportance {
  std::string feature;
  double score = 0;  // XGBoost: average gain; ridge: |standardised coefficient|
};

class Model {
 public:
  virtual ~Model() = default;

  // "seasonal_naive", "ridge" or "xgboost".
  virtual std::string kind() const = 0;

  // Fits on every column of `x` against `y` (one target per row).
  virtual Status Fit(const FeatureMatrix& x, std::span<const double> y) = 0;

  // One prediction per row of `x`; `x` must hold every feature_names() column.
  virtual Result<std::vector<double>> Predict(const FeatureMatrix& x) const = 0;

  // The model file's bytes: XGBoost's own JSON model for "xgboost" (readable by
  // any XGBoost), a small medallion JSON document for the others.
  virtual Result<std::string> Serialize() const = 0;

  virtual const std::vector<std::string>& feature_names() const = 0;
  virtual nlohmann::json params() const = 0;

  // Sorted by decreasing score. Empty for models without a notion of it.
  virtual Result<std::vector<FeatureImportance>> Importance() const { return std::vector<FeatureImportance>{}; }
};

// A fresh, unfitted model. `params` are the model's own (see each model's
// header); unknown kinds and malformed params are InvalidArgument.
Result<std::unique_ptr<Model>> CreateModel(std::string_view kind, const nlohmann::json& params = nlohmann::json::object());

// Reads what Serialize() wrote (also any XGBoost JSON model file).
Result<std::unique_ptr<Model>> DeserializeModel(std::string_view bytes);

Status SaveModelFile(const Model& model, const std::string& path);
Result<std::unique_ptr<Model>> LoadModelFile(const std::string& path);

}  // namespace medallion::ml
