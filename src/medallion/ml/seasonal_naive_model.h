// Seasonal naive: the forecast for a day is the last value observed on the same
// day of the season (m = 7: same weekday) that was known at the forecast
// origin. The dataset builder supplies that value as a feature
// (kSeasonalFeature), so the model is per series by construction and sees
// nothing the origin did not know.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "medallion/ml/model.h"

namespace medallion::ml {

class SeasonalNaiveModel final : public Model {
 public:
  static constexpr const char* kKind = "seasonal_naive";

  // params: {"features": [...]} — the columns tried in order, the first non-NaN
  // wins (default: one season back, two seasons back, the last value).
  static Result<std::unique_ptr<Model>> Create(const nlohmann::json& params);
  static Result<std::unique_ptr<Model>> FromJson(const nlohmann::json& doc);

  std::string kind() const override { return kKind; }
  Status Fit(const FeatureMatrix& x, std::span<const double> y) override;
  Result<std::vector<double>> Predict(const FeatureMatrix& x) const override;
  Result<std::string> Serialize() const override;
  const std::vector<std::string>& feature_names() const override { return features_; }
  nlohmann::json params() const override { return {{"features", features_}}; }

 private:
  explicit SeasonalNaiveModel(std::vector<std::string> features) : features_(std::move(features)) {}
  std::vector<std::string> features_;
};

}  // namespace medallion::ml
