// Gradient-boosted trees through XGBoost's C API (Debian's libxgboost 1.7).
// The model file is XGBoost's own JSON model, with the feature names and our
// params inside, so Python's xgboost (or any other binding) loads it as is.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "medallion/ml/model.h"

namespace medallion::ml {

class XGBoostModel final : public Model {
 public:
  static constexpr const char* kKind = "xgboost";

  // params: {"num_boost_round": 200, ...} plus any XGBoost learner parameter,
  // passed through as given: "objective" (reg:squarederror, reg:tweedie,
  // binary:logistic), "eta", "max_depth", "min_child_weight", "subsample",
  // "colsample_bytree", "lambda", "tweedie_variance_power", "nthread", "seed"...
  // Defaults favour reproducibility: tree_method hist, nthread 1, seed 0.
  static Result<std::unique_ptr<Model>> Create(const nlohmann::json& params);
  static Result<std::unique_ptr<Model>> FromJsonBytes(std::string_view bytes);

  ~XGBoostModel() override;
  std::string kind() const override { return kKind; }
  Status Fit(const FeatureMatrix& x, std::span<const double> y) override;
  // Regression: the target scale; binary:logistic: P(class 1).
  Result<std::vector<double>> Predict(const FeatureMatrix& x) const override;
  Result<std::string> Serialize() const override;
  const std::vector<std::string>& feature_names() const override { return features_; }
  nlohmann::json params() const override { return params_; }
  // Average gain per split, the feature's name attached.
  Result<std::vector<FeatureImportance>> Importance() const override;

 private:
  explicit XGBoostModel(nlohmann::json params) : params_(std::move(params)) {}

  nlohmann::json params_;
  std::vector<std::string> features_;
  void* booster_ = nullptr;  // BoosterHandle; kept opaque so callers need no XGBoost headers
};

}  // namespace medallion::ml
