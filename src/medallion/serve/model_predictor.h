// An ml::Model (XGBoost, ridge...) behind the API's Predictor interface.
#pragma once

#include <memory>

#include "medallion/ml/model.h"
#include "medallion/serve/predictor.h"

namespace medallion::serve {

// The predictor for a loaded model: XGBoost models get the serving path
// (XGBoostPredictor), every other kind goes through ml::Model::Predict.
Result<std::shared_ptr<const Predictor>> MakePredictor(ModelInfo info, std::unique_ptr<ml::Model> model);

class ModelPredictor final : public Predictor {
 public:
  ModelPredictor(ModelInfo info, std::unique_ptr<ml::Model> model)
      : Predictor(model->feature_names()), info_(std::move(info)), model_(std::move(model)) {}

  ModelInfo model() const override { return info_; }
  Result<std::vector<double>> Predict(const FeatureMatrix& features) const override;

 private:
  ModelInfo info_;
  std::unique_ptr<const ml::Model> model_;
};

}  // namespace medallion::serve
