// Ridge regression in closed form (Eigen). Features are standardised with the
// training mean and standard deviation so one penalty fits all scales; a NaN
// feature is imputed with the training mean (0 once standardised). The
// intercept is not penalised: the target is centred instead.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "medallion/ml/model.h"

namespace medallion::ml {

class RidgeModel final : public Model {
 public:
  static constexpr const char* kKind = "ridge";

  // params: {"alpha": 1.0} — the L2 penalty on standardised coefficients.
  static Result<std::unique_ptr<Model>> Create(const nlohmann::json& params);
  static Result<std::unique_ptr<Model>> FromJson(const nlohmann::json& doc);

  std::string kind() const override { return kKind; }
  Status Fit(const FeatureMatrix& x, std::span<const double> y) override;
  Result<std::vector<double>> Predict(const FeatureMatrix& x) const override;
  Result<std::string> Serialize() const override;
  const std::vector<std::string>& feature_names() const override { return features_; }
  nlohmann::json params() const override { return {{"alpha", alpha_}}; }
  Result<std::vector<FeatureImportance>> Importance() const override;

  // Coefficients on the standardised features, in feature_names() order.
  const std::vector<double>& coefficients() const { return coefficients_; }

 private:
  explicit RidgeModel(double alpha) : alpha_(alpha) {}

  double alpha_;
  std::vector<std::string> features_;
  std::vector<double> means_;
  std::vector<double> scales_;  // standard deviation; 1 for a constant column
  std::vector<double> coefficients_;
  double intercept_ = 0;
};

}  // namespace medallion::ml
