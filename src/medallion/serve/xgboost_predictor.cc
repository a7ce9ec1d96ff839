#include "medallion/serve/xgboost_predictor.h"

#include <cstdint>
#include <limits>
#include <string>

#include <fmt/format.h>
#include <xgboost/c_api.h>

namespace medallion::serve {

namespace {

Status XGBoostError(std::string_view call) {
  return Status::Internal(fmt::format("xgboost {}: {}", call, XGBGetLastError()));
}

// "missing": NaN matches how medallion builds its training DMatrix; type 0 is
// the transformed prediction (what ml::XGBoostModel::Predict returns).
constexpr const char* kPredictConfig =
    R"({"type":0,"iteration_begin":0,"iteration_end":0,"strict_shape":false,"cache_id":0,"missing":NaN})";

// One proxy DMatrix per serving thread. Without it XGBoost builds a proxy
// on every call, and (libxgboost 1.6) each new one reads the cgroup CPU
// quota from /sys: an open/read/close per prediction.
Result<DMatrixHandle> ThreadProxy() {
  struct Proxy {
    DMatrixHandle handle = nullptr;
    ~Proxy() {
      if (handle != nullptr) XGDMatrixFree(handle);
    }
  };
  thread_local Proxy proxy;
  if (proxy.handle == nullptr && XGProxyDMatrixCreate(&proxy.handle) != 0) return XGBoostError("XGProxyDMatrixCreate");
  return proxy.handle;
}

}  // namespace

Result<std::unique_ptr<XGBoostPredictor>> XGBoostPredictor::FromModel(ModelInfo info, const ml::Model& model) {
  MEDALLION_ASSIGN_OR_RETURN(std::string bytes, model.Serialize());
  std::unique_ptr<XGBoostPredictor> predictor(new XGBoostPredictor(std::move(info), model.feature_names()));
  if (XGBoosterCreate(nullptr, 0, &predictor->booster_) != 0) return XGBoostError("XGBoosterCreate");
  if (XGBoosterLoadModelFromBuffer(predictor->booster_, bytes.data(), bytes.size()) != 0) {
    return XGBoostError("XGBoosterLoadModelFromBuffer");
  }
  if (XGBoosterSetParam(predictor->booster_, "nthread", "1") != 0) return XGBoostError("XGBoosterSetParam nthread");
  // The first prediction configures the learner; do it here rather than
  // under the first request (and fail the load, not a request, if it breaks).
  FeatureMatrix warm_up{1, predictor->feature_names().size(), {}};
  warm_up.values.assign(warm_up.num_cols, std::numeric_limits<float>::quiet_NaN());
  MEDALLION_RETURN_IF_ERROR(predictor->Predict(warm_up).status());
  return predictor;
}

XGBoostPredictor::~XGBoostPredictor() {
  if (booster_ != nullptr) XGBoosterFree(booster_);
}

Result<std::vector<double>> XGBoostPredictor::Predict(const FeatureMatrix& features) const {
  if (features.num_cols != feature_names().size()) {
    return Status::InvalidArgument(fmt::format("xgboost predict: {} feature columns, the model has {}",
                                               features.num_cols, feature_names().size()));
  }
  if (features.num_rows == 0) return std::vector<double>{};
  // The __array_interface__ XGBoost reads the rows through (no copy).
  thread_local std::string array_interface;
  array_interface.clear();
  fmt::format_to(std::back_inserter(array_interface),
                 R"({{"data":[{},true],"shape":[{},{}],"typestr":"<f4","version":3}})",
                 reinterpret_cast<std::uintptr_t>(features.values.data()), features.num_rows, features.num_cols);
  MEDALLION_ASSIGN_OR_RETURN(DMatrixHandle proxy, ThreadProxy());
  const bst_ulong* shape = nullptr;
  bst_ulong dim = 0;
  const float* result = nullptr;
  if (XGBoosterPredictFromDense(booster_, array_interface.c_str(), kPredictConfig, proxy, &shape, &dim, &result) !=
      0) {
    return XGBoostError("XGBoosterPredictFromDense");
  }
  // The buffer belongs to XGBoost (thread-local); copy before any other call.
  return std::vector<double>(result, result + features.num_rows);
}

}  // namespace medallion::serve
