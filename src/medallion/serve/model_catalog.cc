#include "medallion/serve/model_catalog.h"

#include "medallion/serve/arrow_rows.h"
#include "medallion/serve/json_schema.h"

namespace medallion::serve {

namespace s = schema;

Result<std::shared_ptr<ModelCatalog>> ModelCatalog::Open(const std::string& lake_uri, ml::PromotionGate gate,
                                                         std::string cache_dir) {
  MEDALLION_ASSIGN_OR_RETURN(ml::Registry registry, ml::Registry::Open(lake_uri));
  return std::shared_ptr<ModelCatalog>(new ModelCatalog(std::move(registry), gate, std::move(cache_dir)));
}

Result<std::vector<ml::ModelVersion>> ModelCatalog::List(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  return registry_.List(name);
}

Result<std::optional<ml::ModelVersion>> ModelCatalog::Alias(const std::string& name, const std::string& alias) {
  std::lock_guard<std::mutex> lock(mu_);
  return registry_.Alias(name, alias);
}

Result<ml::PromotionDecision> ModelCatalog::Promote(const std::string& name, std::optional<int64_t> version,
                                                    bool force) {
  std::lock_guard<std::mutex> lock(mu_);
  return registry_.Promote(name, version, gate_, force);
}

Result<ml::ModelVersion> ModelCatalog::Rollback(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  return registry_.Rollback(name);
}

Result<std::string> ModelCatalog::LocalModelFile(const ml::ModelVersion& version) {
  std::lock_guard<std::mutex> lock(mu_);
  return registry_.LocalModelFile(version, cache_dir_);
}

Result<int64_t> ModelCatalog::RefreshedTableVersion() {
  std::lock_guard<std::mutex> lock(mu_);
  MEDALLION_RETURN_IF_ERROR(registry_.Refresh());
  return registry_.TableVersion();
}

nlohmann::json ModelVersionJson(const ml::ModelVersion& v, const std::vector<std::string>& aliases) {
  auto object_or_empty = [](const std::string& text) {
    nlohmann::json parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    return parsed.is_object() ? parsed : nlohmann::json::object();
  };
  return {{"name", v.name},
          {"version", v.version},
          {"kind", v.kind},
          {"created_at", FormatTimestampMicros(v.created_at_us)},
          {"features", v.features},
          {"trained_on_table", v.trained_on_table},
          {"trained_on_version", v.trained_on_version},
          {"metrics", object_or_empty(v.metrics_json)},
          {"params", object_or_empty(v.params_json)},
          {"aliases", aliases}};
}

nlohmann::json ModelVersionSchema() {
  return s::Object({{"name", s::String()},
                    {"version", s::Integer()},
                    {"kind", s::String()},
                    {"created_at", s::DateTime()},
                    {"features", s::Array(s::String())},
                    {"trained_on_table", s::String()},
                    {"trained_on_version", s::Integer()},
                    {"metrics", s::AnyObject()},
                    {"params", s::AnyObject()},
                    {"aliases", s::Array(s::String())}});
}

}  // namespace medallion::serve
