// The API's view of the model registry (ml::Registry): listing versions,
// aliases, promotion through the gate, rollback, and the registry table
// version the champion watcher polls. One Registry object is shared by every
// request, so calls are serialized here.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "medallion/common/result.h"
#include "medallion/ml/registry.h"

namespace medallion::serve {

class ModelCatalog {
 public:
  // `cache_dir`: where model files of a remote (s3://) lake are copied.
  static Result<std::shared_ptr<ModelCatalog>> Open(const std::string& lake_uri, ml::PromotionGate gate,
                                                    std::string cache_dir);

  Result<std::vector<ml::ModelVersion>> List(const std::string& name = "");
  Result<std::optional<ml::ModelVersion>> Alias(const std::string& name, const std::string& alias);
  Result<ml::PromotionDecision> Promote(const std::string& name, std::optional<int64_t> version, bool force);
  Result<ml::ModelVersion> Rollback(const std::string& name);
  Result<std::string> LocalModelFile(const ml::ModelVersion& version);
  // Re-reads the registry table and returns its version (-1: none yet).
  Result<int64_t> RefreshedTableVersion();

 private:
  ModelCatalog(ml::Registry registry, ml::PromotionGate gate, std::string cache_dir)
      : registry_(std::move(registry)), gate_(gate), cache_dir_(std::move(cache_dir)) {}

  std::mutex mu_;
  ml::Registry registry_;
  ml::PromotionGate gate_;
  std::string cache_dir_;
};

// A version as the API shows it; `aliases` are the aliases pointing at it.
nlohmann::json ModelVersionJson(const ml::ModelVersion& version, const std::vector<std::string>& aliases);
nlohmann::json ModelVersionSchema();

}  // namespace medallion::serve
