// The actions of the Delta Lake transaction log (PROTOCOL.md, "Actions").
// One commit file holds one action per line; a checkpoint holds the same
// actions as Parquet rows. Unknown action kinds written by other engines are
// preserved as raw JSON so nothing is silently lost on a round trip.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "medallion/common/result.h"

namespace medallion::delta {

using StringMap = std::map<std::string, std::string>;
// Partition values are strings in the log; a null partition value is absent
// from the optional.
using PartitionValues = std::map<std::string, std::optional<std::string>>;

struct Protocol {
  int32_t min_reader_version = 1;
  int32_t min_writer_version = 2;
  std::optional<std::vector<std::string>> reader_features;
  std::optional<std::vector<std::string>> writer_features;
};

struct Metadata {
  std::string id;
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::string format_provider = "parquet";
  StringMap format_options;
  std::string schema_string;  // Spark's JSON schema
  std::vector<std::string> partition_columns;
  StringMap configuration;
  std::optional<int64_t> created_time;
};

struct AddFile {
  std::string path;  // relative to the table root, URI-encoded as in the log
  PartitionValues partition_values;
  int64_t size = 0;
  int64_t modification_time = 0;
  bool data_change = true;
  std::optional<std::string> stats;  // JSON string
  std::optional<StringMap> tags;
};

struct RemoveFile {
  std::string path;
  std::optional<int64_t> deletion_timestamp;
  bool data_change = true;
  std::optional<bool> extended_file_metadata;
  std::optional<PartitionValues> partition_values;
  std::optional<int64_t> size;
};

struct Txn {
  std::string app_id;
  int64_t version = -1;
  std::optional<int64_t> last_updated;
};

// commitInfo is free-form JSON; we keep it raw and read known fields on demand.
struct CommitInfo {
  std::string json;  // the object inside {"commitInfo": ...}
};

// An action we do not interpret (cdc, domainMetadata, ...): the whole line.
struct OtherAction {
  std::string json;
};

using Action = std::variant<Protocol, Metadata, AddFile, RemoveFile, Txn, CommitInfo, OtherAction>;

// One action as a single JSON line (no trailing newline).
std::string ActionToJson(const Action& action);

// Parses one log line. `where` names the file for the error message.
Result<Action> ParseAction(std::string_view line, std::string_view where);

// Parses a whole commit file (newline-delimited JSON, blank lines allowed).
Result<std::vector<Action>> ParseCommit(std::string_view content, std::string_view where);

// The commit file body for `actions`.
std::string SerializeCommit(const std::vector<Action>& actions);

// Log file names.
std::string CommitFileName(int64_t version);      // "_delta_log/00000000000000000012.json"
std::string CheckpointFileName(int64_t version);  // "_delta_log/...12.checkpoint.parquet"
std::string MultiPartCheckpointFileName(int64_t version, int part, int parts);
inline constexpr char kLogDir[] = "_delta_log";
inline constexpr char kLastCheckpoint[] = "_delta_log/_last_checkpoint";

// Version of a commit file name ("_delta_log/00..12.json" or just the base
// name); nullopt if the name is not a commit file.
std::optional<int64_t> ParseCommitVersion(std::string_view path);

// Percent-decoding of add/remove paths (they are URIs relative to the root).
std::string DecodeUriPath(std::string_view path);
std::string EncodeUriPath(std::string_view path);

}  // namespace medallion::delta
