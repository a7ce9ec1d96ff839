// One model's state, replayed from its registry events in seq order:
// its versions, the challenger, and the champion as a stack (a promotion
// pushes, a rollback pops back to the champion before).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "medallion/common/result.h"
#include "medallion/ml/registry_events.h"

namespace medallion::ml {

struct ModelHistory {
  std::map<int64_t, ModelVersion> versions;
  std::optional<int64_t> challenger;
  std::vector<int64_t> champions;  // back(): the current champion
  int64_t last_seq = 0;            // the txn version of appId RegistryAppId(name)

  std::optional<int64_t> champion() const {
    return champions.empty() ? std::nullopt : std::optional<int64_t>(champions.back());
  }
  int64_t max_version() const { return versions.empty() ? 0 : versions.rbegin()->first; }
};

// The Delta txn appId that orders `name`'s events.
std::string RegistryAppId(const std::string& name);

// Every model's history. Corruption if a model's seqs are not 1..n or an
// event names a version that was never registered.
Result<std::map<std::string, ModelHistory>> ReplayEvents(std::vector<RegistryEvent> events);

}  // namespace medallion::ml
