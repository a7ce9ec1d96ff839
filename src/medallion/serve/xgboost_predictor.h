// The serving path for XGBoost champions: a booster of its own, pinned to
// one thread, predicting in place from the request's float rows.
//
// Why not ml::XGBoostModel::Predict: that path builds a DMatrix (feature
// names, copies) per call and lets XGBoost start an OpenMP team on every
// call; for one row the team's wake-ups cost more than the 200 trees. Serving
// threads are already one per core, so each prediction runs on the calling
// thread (nthread 1) and the inputs go straight from the request buffer to
// XGBoosterPredictFromDense.
#pragma once

#include <memory>

#include "medallion/ml/model.h"
#include "medallion/serve/predictor.h"

namespace medallion::serve {

class XGBoostPredictor final : public Predictor {
 public:
  // Loads `model`'s own serialised bytes (an ml::XGBoostModel), so the
  // predictions are those of the same trees.
  static Result<std::unique_ptr<XGBoostPredictor>> FromModel(ModelInfo info, const ml::Model& model);
  ~XGBoostPredictor() override;

  ModelInfo model() const override { return info_; }
  Result<std::vector<double>> Predict(const FeatureMatrix& features) const override;

 private:
  XGBoostPredictor(ModelInfo info, std::vector<std::string> feature_names)
      : Predictor(std::move(feature_names)), info_(std::move(info)) {}

  ModelInfo info_;
  void* booster_ = nullptr;  // BoosterHandle
};

}  // namespace medallion::serve
