// Where ingest resumes from. Exactly-once rests on this: the offsets that
// count are the ones committed together with the data, as Delta `txn`
// actions (appId "<group>-<topic>-<partition>", version = last offset
// written). Kafka's own committed offsets are kept only for lag monitoring.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "medallion/common/result.h"

namespace medallion::ingest {

// "<group>-<topic>-<partition>".
std::string KafkaAppId(const std::string& group, const std::string& topic, int32_t partition);

class OffsetStore {
 public:
  virtual ~OffsetStore() = default;
  // The last offset durably written for `app_id`, or nullopt if none yet.
  virtual Result<std::optional<int64_t>> LastWritten(const std::string& app_id) = 0;
};

// For tests and dry runs: offsets in memory.
class InMemoryOffsetStore : public OffsetStore {
 public:
  Result<std::optional<int64_t>> LastWritten(const std::string& app_id) override;
  void Set(const std::string& app_id, int64_t last_written);

 private:
  std::mutex mu_;
  std::map<std::string, int64_t> offsets_;
};

}  // namespace medallion::ingest
