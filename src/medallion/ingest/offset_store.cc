#include "medallion/ingest/offset_store.h"

namespace medallion::ingest {

std::string KafkaAppId(const std::string& group, const std::string& topic, int32_t partition) {
  return group + "-" + topic + "-" + std::to_string(partition);
}

Result<std::optional<int64_t>> InMemoryOffsetStore::LastWritten(const std::string& app_id) {
  std::lock_guard lock(mu_);
  const auto it = offsets_.find(app_id);
  if (it == offsets_.end()) return std::optional<int64_t>();
  return std::optional<int64_t>(it->second);
}

void InMemoryOffsetStore::Set(const std::string& app_id, int64_t last_written) {
  std::lock_guard lock(mu_);
  offsets_[app_id] = last_written;
}

}  // namespace medallion::ingest
