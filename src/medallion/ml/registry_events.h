// The rows of the Delta table <lake>/_models/registry. Every row is an event
// about one model: a registration (which also points the challenger alias at
// the new version), a promotion or a rollback of the champion alias. `seq`
// numbers a model's events 1, 2, 3... in commit order; the Delta txn guard
// (registry.h) makes it unique, so replaying by seq is replaying the log.
#pragma once

#include <arrow/type_fwd.h>

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "medallion/common/result.h"
#include "medallion/ml/registry.h"

namespace medallion::ml {

inline constexpr char kRegisterEvent[] = "register";
inline constexpr char kPromoteEvent[] = "promote";
inline constexpr char kRollbackEvent[] = "rollback";

struct RegistryEvent {
  std::string name;
  int64_t seq = 0;
  std::string event;  // kRegisterEvent | kPromoteEvent | kRollbackEvent
  std::string alias;  // the alias the event moves
  int64_t version = 0;
  // Only on "register" rows: the version's description.
  std::optional<ModelVersion> registered;
  int64_t created_at_us = 0;  // when the event happened
  std::string reason;
  std::string actor;  // user@host
};

// Spark-compatible column set: strings, int64 and a UTC microsecond timestamp.
std::shared_ptr<arrow::Schema> RegistrySchema();

Result<std::shared_ptr<arrow::Table>> EventsToArrow(const std::vector<RegistryEvent>& events);
// Reads rows written by EventsToArrow, in table order.
Result<std::vector<RegistryEvent>> EventsFromArrow(const arrow::Table& table);

nlohmann::json ModelVersionToJson(const ModelVersion& version);
Result<ModelVersion> ModelVersionFromJson(const nlohmann::json& doc);

}  // namespace medallion::ml
