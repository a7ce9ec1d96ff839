#include "medallion/serve/model_predictor.h"

#include "medallion/ml/feature_matrix.h"
#include "medallion/ml/xgboost_model.h"
#include "medallion/serve/xgboost_predictor.h"

namespace medallion::serve {

Result<std::shared_ptr<const Predictor>> MakePredictor(ModelInfo info, std::unique_ptr<ml::Model> model) {
  if (model->kind() == ml::XGBoostModel::kKind) {
    MEDALLION_ASSIGN_OR_RETURN(auto predictor, XGBoostPredictor::FromModel(std::move(info), *model));
    return std::shared_ptr<const Predictor>(std::move(predictor));
  }
  return std::shared_ptr<const Predictor>(std::make_shared<ModelPredictor>(std::move(info), std::move(model)));
}

Result<std::vector<double>> ModelPredictor::Predict(const FeatureMatrix& features) const {
  ml::FeatureMatrix matrix(feature_names());
  std::vector<double> row(features.num_cols);
  for (size_t r = 0; r < features.num_rows; ++r) {
    for (size_t c = 0; c < row.size(); ++c) row[c] = features.at(r, c);
    MEDALLION_RETURN_IF_ERROR(matrix.AppendRow(row));
  }
  return model_->Predict(matrix);
}

}  // namespace medallion::serve
