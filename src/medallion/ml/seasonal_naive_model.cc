#include "medallion/ml/seasonal_naive_model.h"

#include <cmath>
#include <limits>

#include "medallion/ml/features.h"

namespace medallion::ml {

namespace {

Result<std::vector<std::string>> ParseFeatures(const nlohmann::json& params) {
  std::vector<std::string> features = {SeasonalLagName(1), SeasonalLagName(2), RecentLagName(0)};
  if (params.contains("features")) {
    const auto& list = params["features"];
    if (!list.is_array() || list.empty()) {
      return Status::InvalidArgument("seasonal_naive param 'features' must be a non-empty array of column names");
    }
    features.clear();
    for (const auto& f : list) {
      if (!f.is_string()) return Status::InvalidArgument("seasonal_naive param 'features' holds a non-string");
      features.push_back(f.get<std::string>());
    }
  }
  return features;
}

}  // namespace

Result<std::unique_ptr<Model>> SeasonalNaiveModel::Create(const nlohmann::json& params) {
  MEDALLION_ASSIGN_OR_RETURN(auto features, ParseFeatures(params));
  return std::unique_ptr<Model>(new SeasonalNaiveModel(std::move(features)));
}

Result<std::unique_ptr<Model>> SeasonalNaiveModel::FromJson(const nlohmann::json& doc) {
  return Create(doc.value("params", nlohmann::json::object()));
}

Status SeasonalNaiveModel::Fit(const FeatureMatrix& x, std::span<const double> y) {
  // Nothing to learn; only check that the features it needs are there.
  for (const auto& f : features_) {
    MEDALLION_RETURN_IF_ERROR(x.ColumnIndex(f).status());
  }
  return Status::OK();
}

Result<std::vector<double>> SeasonalNaiveModel::Predict(const FeatureMatrix& x) const {
  MEDALLION_ASSIGN_OR_RETURN(FeatureMatrix selected, x.Select(features_));
  std::vector<double> out(selected.rows(), std::numeric_limits<double>::quiet_NaN());
  for (size_t r = 0; r < selected.rows(); ++r) {
    for (size_t c = 0; c < selected.cols(); ++c) {
      if (!std::isnan(selected.at(r, c))) {
        out[r] = selected.at(r, c);
        break;
      }
    }
  }
  return out;
}

Result<std::string> SeasonalNaiveModel::Serialize() const {
  nlohmann::json doc = {{"medallion_model", kKind}, {"feature_names", features_}, {"params", params()}};
  return doc.dump(1);
}

}  // namespace medallion::ml
