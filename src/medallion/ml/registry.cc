#include "medallion/ml/registry.h"

#include "medallion/storage/object_store.h"

namespace medallion::ml {

struct Registry::State {
  std::shared_ptr<storage::ObjectStore> lake;
  int64_t table_version = -1;
};

Result<Registry> Registry::Open(std::string lake_root) {
  MEDALLION_ASSIGN_OR_RETURN(auto lake, storage::OpenObjectStore(lake_root));
  return Open(std::move(lake));
}

Result<Registry> Registry::Open(std::shared_ptr<storage::ObjectStore> lake) {
  auto state = std::make_shared<State>();
  state->lake = std::move(lake);
  return Registry(std::move(state));
}

Result<ModelVersion> Registry::Register(ModelVersion, const std::string&) {
  return Status::NotImplemented("Registry::Register");
}
Result<std::vector<ModelVersion>> Registry::List(const std::string&) const {
  return Status::NotImplemented("Registry::List");
}
Result<ModelVersion> Registry::Get(const std::string&, int64_t) const { return Status::NotImplemented("Registry::Get"); }
Result<std::optional<ModelVersion>> Registry::Alias(const std::string&, const std::string&) const {
  return Status::NotImplemented("Registry::Alias");
}
Result<PromotionDecision> Registry::Promote(const std::string&, std::optional<int64_t>, const PromotionGate&, bool) {
  return Status::NotImplemented("Registry::Promote");
}
Result<ModelVersion> Registry::Rollback(const std::string&) { return Status::NotImplemented("Registry::Rollback"); }
Result<std::string> Registry::LocalModelFile(const ModelVersion&, const std::string&) const {
  return Status::NotImplemented("Registry::LocalModelFile");
}
int64_t Registry::TableVersion() const { return state_->table_version; }
Status Registry::Refresh() { return Status::NotImplemented("Registry::Refresh"); }
const std::string& Registry::lake_uri() const { return state_->lake->root_uri(); }

}  // namespace medallion::ml
