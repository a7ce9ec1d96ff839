#include "medallion/ml/xgboost_model.h"

#include <xgboost/c_api.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace medallion::ml {

namespace {

constexpr const char* kParamsAttribute = "medallion_params";

Status XGBoostError(const char* call) {
  return Status::Internal(std::string("xgboost ") + call + ": " + XGBGetLastError());
}

#define XGB_CHECK(call)                                      \
  do {                                                       \
    if ((call) != 0) return XGBoostError(#call);             \
  } while (false)

struct DMatrixDeleter {
  void operator()(void* handle) const { XGDMatrixFree(handle); }
};
using DMatrixPtr = std::unique_ptr<void, DMatrixDeleter>;

std::string ParamString(const nlohmann::json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

// XGBoost works in float32; NaN marks a missing value.
Result<DMatrixPtr> MakeDMatrix(const FeatureMatrix& x) {
  std::vector<float> data(x.values().begin(), x.values().end());
  DMatrixHandle handle = nullptr;
  XGB_CHECK(XGDMatrixCreateFromMat(data.data(), x.rows(), x.cols(), std::numeric_limits<float>::quiet_NaN(), &handle));
  DMatrixPtr matrix(handle);
  std::vector<const char*> names;
  for (const auto& name : x.names()) names.push_back(name.c_str());
  XGB_CHECK(XGDMatrixSetStrFeatureInfo(handle, "feature_name", names.data(), names.size()));
  return matrix;
}

}  // namespace

Result<std::unique_ptr<Model>> XGBoostModel::Create(const nlohmann::json& params) {
  nlohmann::json merged = {{"objective", "reg:squarederror"}, {"num_boost_round", 200}, {"eta", 0.05},
                           {"max_depth", 6},                   {"tree_method", "hist"}, {"nthread", 1},
                           {"seed", 0}};
  for (const auto& [key, value] : params.items()) {
    if (!value.is_primitive() || value.is_null()) {
      return Status::InvalidArgument("xgboost param '" + key + "' must be a string, number or boolean");
    }
    merged[key] = value;
  }
  if (!merged["num_boost_round"].is_number_integer() || merged["num_boost_round"].get<int>() < 1) {
    return Status::InvalidArgument("xgboost param 'num_boost_round' must be a positive integer");
  }
  return std::unique_ptr<Model>(new XGBoostModel(std::move(merged)));
}

XGBoostModel::~XGBoostModel() {
  if (booster_ != nullptr) XGBoosterFree(booster_);
}

Status XGBoostModel::Fit(const FeatureMatrix& x, std::span<const double> y) {
  if (y.size() != x.rows()) {
    return Status::InvalidArgument("xgboost fit: " + std::to_string(x.rows()) + " feature rows but " +
                                   std::to_string(y.size()) + " targets");
  }
  if (x.rows() == 0) return Status::InvalidArgument("xgboost fit: no training rows");
  MEDALLION_ASSIGN_OR_RETURN(DMatrixPtr train, MakeDMatrix(x));
  std::vector<float> labels(y.begin(), y.end());
  XGB_CHECK(XGDMatrixSetFloatInfo(train.get(), "label", labels.data(), labels.size()));

  if (booster_ != nullptr) XGBoosterFree(booster_), booster_ = nullptr;
  DMatrixHandle dmats[] = {train.get()};
  XGB_CHECK(XGBoosterCreate(dmats, 1, &booster_));
  for (const auto& [key, value] : params_.items()) {
    if (key == "num_boost_round") continue;
    if (XGBoosterSetParam(booster_, key.c_str(), ParamString(value).c_str()) != 0) {
      return Status::InvalidArgument("xgboost param '" + key + "': " + XGBGetLastError());
    }
  }
  const int rounds = params_["num_boost_round"].get<int>();
  for (int i = 0; i < rounds; ++i) XGB_CHECK(XGBoosterUpdateOneIter(booster_, i, train.get()));
  XGB_CHECK(XGBoosterSetAttr(booster_, kParamsAttribute, params_.dump().c_str()));
  // The learner does not take the names from the training DMatrix in 1.7;
  // set them on the booster so the JSON model file carries them.
  std::vector<const char*> names;
  for (const auto& name : x.names()) names.push_back(name.c_str());
  XGB_CHECK(XGBoosterSetStrFeatureInfo(booster_, "feature_name", names.data(), names.size()));
  features_ = x.names();
  return Status::OK();
}

Result<std::vector<double>> XGBoostModel::Predict(const FeatureMatrix& x) const {
  if (booster_ == nullptr) return Status::InvalidArgument("xgboost predict: model is not fitted");
  MEDALLION_ASSIGN_OR_RETURN(FeatureMatrix selected, x.Select(features_));
  if (selected.rows() == 0) return std::vector<double>{};
  MEDALLION_ASSIGN_OR_RETURN(DMatrixPtr data, MakeDMatrix(selected));
  const char* config = R"({"type": 0, "training": false, "iteration_begin": 0, "iteration_end": 0, "strict_shape": false})";
  const bst_ulong* shape = nullptr;
  bst_ulong dim = 0;
  const float* result = nullptr;
  XGB_CHECK(XGBoosterPredictFromDMatrix(booster_, data.get(), config, &shape, &dim, &result));
  // The buffer belongs to XGBoost (thread-local); copy before any other call.
  return std::vector<double>(result, result + selected.rows());
}

Result<std::string> XGBoostModel::Serialize() const {
  if (booster_ == nullptr) return Status::InvalidArgument("xgboost save: model is not fitted");
  bst_ulong length = 0;
  const char* bytes = nullptr;
  XGB_CHECK(XGBoosterSaveModelToBuffer(booster_, R"({"format": "json"})", &length, &bytes));
  return std::string(bytes, length);
}

namespace {

// XGBoost >= 2 writes base_score as a one-element array ("[7.6E1]", one entry
// per target). Debian's 1.7 reads that without complaint as a wrong scalar and
// then every prediction is off by the base score, so the array is turned back
// into the scalar 1.7 understands. Multi-target models are refused.
Result<std::string> DowngradeBaseScore(std::string_view bytes) {
  auto doc = nlohmann::json::parse(bytes, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Status::Corruption("xgboost model is not valid JSON");
  auto* param = doc.contains("learner") && doc["learner"].contains("learner_model_param")
                    ? &doc["learner"]["learner_model_param"]
                    : nullptr;
  if (param == nullptr || !param->contains("base_score") || !(*param)["base_score"].is_string()) {
    return std::string(bytes);
  }
  std::string base_score = (*param)["base_score"].get<std::string>();
  if (base_score.empty() || base_score.front() != '[') return std::string(bytes);
  if (base_score.back() != ']' || base_score.find(',') != std::string::npos) {
    return Status::NotImplemented("xgboost model has base_score " + base_score +
                                  "; only single-target models are supported");
  }
  (*param)["base_score"] = base_score.substr(1, base_score.size() - 2);
  return doc.dump();
}

}  // namespace

Result<std::unique_ptr<Model>> XGBoostModel::FromJsonBytes(std::string_view original) {
  MEDALLION_ASSIGN_OR_RETURN(std::string compatible, DowngradeBaseScore(original));
  std::string_view bytes = compatible;
  BoosterHandle handle = nullptr;
  XGB_CHECK(XGBoosterCreate(nullptr, 0, &handle));
  auto model = std::unique_ptr<XGBoostModel>(new XGBoostModel(nlohmann::json::object()));
  model->booster_ = handle;
  XGB_CHECK(XGBoosterLoadModelFromBuffer(handle, bytes.data(), bytes.size()));

  bst_ulong count = 0;
  const char** names = nullptr;
  XGB_CHECK(XGBoosterGetStrFeatureInfo(handle, "feature_name", &count, &names));
  if (count == 0) return Status::Corruption("xgboost model has no feature names; medallion needs them to select columns");
  model->features_.assign(names, names + count);

  const char* params = nullptr;
  int found = 0;
  XGB_CHECK(XGBoosterGetAttr(handle, kParamsAttribute, &params, &found));
  if (found) {
    auto parsed = nlohmann::json::parse(params, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_object()) model->params_ = std::move(parsed);
  }
  return std::unique_ptr<Model>(std::move(model));
}

Result<std::vector<FeatureImportance>> XGBoostModel::Importance() const {
  if (booster_ == nullptr) return Status::InvalidArgument("xgboost importance: model is not fitted");
  bst_ulong n_features = 0, dim = 0;
  const char** names = nullptr;
  const bst_ulong* shape = nullptr;
  const float* scores = nullptr;
  XGB_CHECK(XGBoosterFeatureScore(booster_, R"({"importance_type": "gain"})", &n_features, &names, &dim, &shape,
                                  &scores));
  std::vector<FeatureImportance> out;
  for (bst_ulong i = 0; i < n_features; ++i) out.push_back({names[i], scores[i]});
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.score > b.score; });
  return out;
}

}  // namespace medallion::ml
