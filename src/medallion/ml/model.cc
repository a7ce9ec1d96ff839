#include "medallion/ml/model.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "medallion/ml/ridge_model.h"
#include "medallion/ml/seasonal_naive_model.h"
#include "medallion/ml/xgboost_model.h"

namespace medallion::ml {

Result<std::unique_ptr<Model>> CreateModel(std::string_view kind, const nlohmann::json& params) {
  if (!params.is_object()) return Status::InvalidArgument("model params must be a JSON object");
  if (kind == SeasonalNaiveModel::kKind) return SeasonalNaiveModel::Create(params);
  if (kind == RidgeModel::kKind) return RidgeModel::Create(params);
  if (kind == XGBoostModel::kKind) return XGBoostModel::Create(params);
  return Status::InvalidArgument("unknown model kind '" + std::string(kind) +
                                 "' (expected seasonal_naive, ridge or xgboost)");
}

Result<std::unique_ptr<Model>> DeserializeModel(std::string_view bytes) {
  nlohmann::json doc = nlohmann::json::parse(bytes, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return Status::Corruption("model file is not a JSON object");
  // XGBoost's JSON model has a top-level "learner"; ours names its kind.
  if (doc.contains("learner")) return XGBoostModel::FromJsonBytes(bytes);
  auto kind = doc.value("medallion_model", std::string());
  if (kind == SeasonalNaiveModel::kKind) return SeasonalNaiveModel::FromJson(doc);
  if (kind == RidgeModel::kKind) return RidgeModel::FromJson(doc);
  return Status::Corruption("model file has neither 'learner' (XGBoost) nor a known 'medallion_model' kind");
}

Status SaveModelFile(const Model& model, const std::string& path) {
  MEDALLION_ASSIGN_OR_RETURN(std::string bytes, model.Serialize());
  // Write then rename, so a reader never sees half a model.
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return Status::IOError("cannot open model file '" + tmp + "' for writing");
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out.flush()) return Status::IOError("cannot write model file '" + tmp + "'");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Status::IOError("cannot rename '" + tmp + "' to '" + path + "': " + ec.message());
  return Status::OK();
}

Result<std::unique_ptr<Model>> LoadModelFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("model file '" + path + "' cannot be opened");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  auto model = DeserializeModel(buffer.str());
  if (!model.ok()) return model.status().WithContext("model file '" + path + "'");
  return model;
}

}  // namespace medallion::ml
