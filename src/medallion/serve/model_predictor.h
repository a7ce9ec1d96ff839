// An ml::Model (XGBoost, ridge...) behind the API's Predictor interface.
#pragma once

#include <memory>

#include "medallion/ml/model.h"
#include "medallion/serve/predictor.h"

namespace medallion::serve {

class ModelPredictor final : public Predictor {
 public:
  ModelPredictor(ModelInfo info, std::unique_ptr<ml::Model> model) : info_(std::move(info)), model_(std::move(model)) {}

  ModelInfo model() const override { return info_; }
  std::vector<std::string> feature_names() const override { return model_->feature_names(); }
  Result<std::vector<double>> Predict(const FeatureMatrix& features) const override;

 private:
  ModelInfo info_;
  std::unique_ptr<const ml::Model> model_;
};

}  // namespace medallion::serve
