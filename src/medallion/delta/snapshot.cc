#include "medallion/delta/snapshot.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "medallion/delta/schema.h"

namespace medallion::delta {

std::optional<int64_t> Snapshot::TxnVersion(const std::string& app_id) const {
  auto it = txns_.find(app_id);
  if (it == txns_.end()) return std::nullopt;
  return it->second.version;
}

int64_t Snapshot::num_rows() const {
  int64_t rows = 0;
  for (const auto& [path, add] : files_) {
    if (!add.stats) continue;
    // numRecords is the first key we write; parse lazily and cheaply.
    auto pos = add.stats->find("\"numRecords\":");
    if (pos != std::string::npos) rows += std::strtoll(add.stats->c_str() + pos + 13, nullptr, 10);
  }
  return rows;
}

int64_t Snapshot::size_bytes() const {
  int64_t bytes = 0;
  for (const auto& [path, add] : files_) bytes += add.size;
  return bytes;
}

std::string Snapshot::Property(const std::string& key, const std::string& fallback) const {
  auto it = metadata_.configuration.find(key);
  return it == metadata_.configuration.end() ? fallback : it->second;
}

int64_t Snapshot::checkpoint_interval() const {
  try {
    return std::max<int64_t>(1, std::stoll(Property("delta.checkpointInterval", "10")));
  } catch (...) {
    return 10;
  }
}

Status Snapshot::Apply(int64_t version, const std::vector<Action>& actions, int64_t timestamp_ms) {
  for (const auto& action : actions) {
    if (const auto* add = std::get_if<AddFile>(&action)) {
      std::string key = DecodeUriPath(add->path);
      tombstones_.erase(key);
      files_[std::move(key)] = *add;
    } else if (const auto* remove = std::get_if<RemoveFile>(&action)) {
      std::string key = DecodeUriPath(remove->path);
      files_.erase(key);
      tombstones_[std::move(key)] = *remove;
    } else if (const auto* txn = std::get_if<Txn>(&action)) {
      txns_[txn->app_id] = *txn;
    } else if (const auto* metadata = std::get_if<Metadata>(&action)) {
      auto schema = SchemaFromSparkJson(metadata->schema_string);
      if (!schema.ok()) return schema.status().WithContext(fmt::format("metaData at version {}", version));
      metadata_ = *metadata;
      schema_ = *schema;
      has_metadata_ = true;
    } else if (const auto* protocol = std::get_if<Protocol>(&action)) {
      protocol_ = *protocol;
    }
  }
  version_ = version;
  timestamp_ms_ = timestamp_ms;
  if (!has_metadata_) return Status::Corruption(fmt::format("no metaData action up to version {}", version));
  return Status::OK();
}

Status Snapshot::CheckSupported(bool for_write) const {
  // Reader features we can honour: none that change how files are read.
  static const std::vector<std::string> kReadable = {"timestampNtz", "vacuumProtocolCheck"};
  static const std::vector<std::string> kWritable = {"appendOnly", "invariants", "timestampNtz",
                                                     "vacuumProtocolCheck"};
  if (protocol_.min_reader_version > 3) {
    return Status::NotImplemented(fmt::format("table needs reader version {}", protocol_.min_reader_version));
  }
  if (protocol_.min_reader_version == 2) {
    return Status::NotImplemented("table uses column mapping (reader version 2), which medallion does not read yet");
  }
  for (const auto& f : protocol_.reader_features.value_or(std::vector<std::string>{})) {
    if (std::find(kReadable.begin(), kReadable.end(), f) == kReadable.end()) {
      return Status::NotImplemented(fmt::format("table uses reader feature '{}', which medallion does not support", f));
    }
  }
  if (!for_write) return Status::OK();
  if (protocol_.min_writer_version > 2 && protocol_.min_writer_version != 7) {
    return Status::NotImplemented(
        fmt::format("table needs writer version {}; medallion writes versions 2 and 7", protocol_.min_writer_version));
  }
  for (const auto& f : protocol_.writer_features.value_or(std::vector<std::string>{})) {
    if (std::find(kWritable.begin(), kWritable.end(), f) == kWritable.end()) {
      return Status::NotImplemented(fmt::format("table uses writer feature '{}', which medallion does not write", f));
    }
  }
  return Status::OK();
}

}  // namespace medallion::delta
