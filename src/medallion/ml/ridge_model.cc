#include "medallion/ml/ridge_model.h"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>

namespace medallion::ml {

Result<std::unique_ptr<Model>> RidgeModel::Create(const nlohmann::json& params) {
  double alpha = 1.0;
  if (params.contains("alpha")) {
    if (!params["alpha"].is_number() || params["alpha"].get<double>() < 0) {
      return Status::InvalidArgument("ridge param 'alpha' must be a number >= 0");
    }
    alpha = params["alpha"].get<double>();
  }
  return std::unique_ptr<Model>(new RidgeModel(alpha));
}

Result<std::unique_ptr<Model>> RidgeModel::FromJson(const nlohmann::json& doc) {
  try {
    auto model = std::unique_ptr<RidgeModel>(new RidgeModel(doc.at("params").at("alpha").get<double>()));
    model->features_ = doc.at("feature_names").get<std::vector<std::string>>();
    model->means_ = doc.at("means").get<std::vector<double>>();
    model->scales_ = doc.at("scales").get<std::vector<double>>();
    model->coefficients_ = doc.at("coefficients").get<std::vector<double>>();
    model->intercept_ = doc.at("intercept").get<double>();
    const size_t n = model->features_.size();
    if (model->means_.size() != n || model->scales_.size() != n || model->coefficients_.size() != n) {
      return Status::Corruption("ridge model: means/scales/coefficients do not match feature_names in length");
    }
    return std::unique_ptr<Model>(std::move(model));
  } catch (const nlohmann::json::exception& e) {
    return Status::Corruption(std::string("ridge model: ") + e.what());
  }
}

Status RidgeModel::Fit(const FeatureMatrix& x, std::span<const double> y) {
  const size_t n = x.rows(), p = x.cols();
  if (y.size() != n) {
    return Status::InvalidArgument("ridge fit: " + std::to_string(n) + " feature rows but " + std::to_string(y.size()) +
                                   " targets");
  }
  if (n == 0) return Status::InvalidArgument("ridge fit: no training rows");
  for (size_t r = 0; r < n; ++r) {
    if (!std::isfinite(y[r])) return Status::InvalidArgument("ridge fit: target row " + std::to_string(r) + " is not finite");
  }
  features_ = x.names();
  means_.assign(p, 0);
  scales_.assign(p, 1);
  for (size_t c = 0; c < p; ++c) {
    double sum = 0, count = 0;
    for (size_t r = 0; r < n; ++r) {
      if (!std::isnan(x.at(r, c))) sum += x.at(r, c), ++count;
    }
    means_[c] = count > 0 ? sum / count : 0;
    double squares = 0;
    for (size_t r = 0; r < n; ++r) {
      if (!std::isnan(x.at(r, c))) squares += (x.at(r, c) - means_[c]) * (x.at(r, c) - means_[c]);
    }
    const double sd = count > 1 ? std::sqrt(squares / count) : 0;
    scales_[c] = sd > 1e-12 ? sd : 1;
  }
  Eigen::MatrixXd z(n, p);
  for (size_t r = 0; r < n; ++r) {
    for (size_t c = 0; c < p; ++c) {
      const double v = x.at(r, c);
      z(r, c) = std::isnan(v) ? 0 : (v - means_[c]) / scales_[c];
    }
  }
  Eigen::VectorXd target = Eigen::Map<const Eigen::VectorXd>(y.data(), static_cast<Eigen::Index>(n));
  intercept_ = target.mean();
  target.array() -= intercept_;
  // (ZᵀZ + αI) β = Zᵀy; LDLT is exact for this symmetric system and, with
  // α > 0, it is positive definite even with collinear features.
  Eigen::MatrixXd gram = z.transpose() * z;
  gram.diagonal().array() += alpha_;
  Eigen::VectorXd beta = gram.ldlt().solve(z.transpose() * target);
  if (!beta.allFinite()) return Status::InvalidArgument("ridge fit: singular system; use alpha > 0");
  coefficients_.assign(beta.data(), beta.data() + p);
  return Status::OK();
}

Result<std::vector<double>> RidgeModel::Predict(const FeatureMatrix& x) const {
  if (coefficients_.size() != features_.size() || features_.empty()) {
    return Status::InvalidArgument("ridge predict: model is not fitted");
  }
  MEDALLION_ASSIGN_OR_RETURN(FeatureMatrix selected, x.Select(features_));
  std::vector<double> out(selected.rows(), intercept_);
  for (size_t r = 0; r < selected.rows(); ++r) {
    for (size_t c = 0; c < selected.cols(); ++c) {
      const double v = selected.at(r, c);
      if (!std::isnan(v)) out[r] += coefficients_[c] * (v - means_[c]) / scales_[c];
    }
  }
  return out;
}

Result<std::string> RidgeModel::Serialize() const {
  nlohmann::json doc = {{"medallion_model", kKind}, {"feature_names", features_}, {"params", params()},
                        {"means", means_},          {"scales", scales_},          {"coefficients", coefficients_},
                        {"intercept", intercept_}};
  return doc.dump(1);
}

Result<std::vector<FeatureImportance>> RidgeModel::Importance() const {
  std::vector<FeatureImportance> out;
  for (size_t c = 0; c < features_.size(); ++c) out.push_back({features_[c], std::abs(coefficients_[c])});
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.score > b.score; });
  return out;
}

}  // namespace medallion::ml
