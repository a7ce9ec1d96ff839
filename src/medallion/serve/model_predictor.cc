#include "medallion/serve/model_predictor.h"

#include "medallion/ml/feature_matrix.h"

namespace medallion::serve {

Result<std::vector<double>> ModelPredictor::Predict(const FeatureMatrix& features) const {
  ml::FeatureMatrix matrix(features.feature_names);
  std::vector<double> row(features.feature_names.size());
  for (size_t r = 0; r < features.num_rows; ++r) {
    for (size_t c = 0; c < row.size(); ++c) row[c] = features.at(r, c);
    MEDALLION_RETURN_IF_ERROR(matrix.AppendRow(row));
  }
  return model_->Predict(matrix);
}

}  // namespace medallion::serve
