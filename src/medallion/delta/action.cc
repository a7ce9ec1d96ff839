#include "medallion/delta/action.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace medallion::delta {

using nlohmann::json;

namespace {

json PartitionValuesToJson(const PartitionValues& values) {
  json out = json::object();
  for (const auto& [k, v] : values) out[k] = v ? json(*v) : json(nullptr);
  return out;
}

PartitionValues PartitionValuesFromJson(const json& j) {
  PartitionValues out;
  if (!j.is_object()) return out;
  for (const auto& [k, v] : j.items()) {
    if (v.is_null()) {
      out[k] = std::nullopt;
    } else if (v.is_string()) {
      out[k] = v.get<std::string>();
    } else {
      out[k] = v.dump();
    }
  }
  return out;
}

StringMap StringMapFromJson(const json& j) {
  StringMap out;
  if (!j.is_object()) return out;
  for (const auto& [k, v] : j.items()) {
    if (v.is_string()) {
      out[k] = v.get<std::string>();
    } else if (!v.is_null()) {
      out[k] = v.dump();
    }
  }
  return out;
}

template <typename T>
std::optional<T> Opt(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::nullopt;
  return it->get<T>();
}

std::optional<std::vector<std::string>> OptStrings(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::nullopt;
  return it->get<std::vector<std::string>>();
}

json ToJson(const Protocol& p) {
  json j = {{"minReaderVersion", p.min_reader_version}, {"minWriterVersion", p.min_writer_version}};
  if (p.reader_features) j["readerFeatures"] = *p.reader_features;
  if (p.writer_features) j["writerFeatures"] = *p.writer_features;
  return json{{"protocol", j}};
}

json ToJson(const Metadata& m) {
  json j;
  j["id"] = m.id;
  j["name"] = m.name ? json(*m.name) : json(nullptr);
  j["description"] = m.description ? json(*m.description) : json(nullptr);
  j["format"] = {{"provider", m.format_provider}, {"options", m.format_options}};
  j["schemaString"] = m.schema_string;
  j["partitionColumns"] = m.partition_columns;
  j["configuration"] = m.configuration;
  if (m.created_time) j["createdTime"] = *m.created_time;
  return json{{"metaData", j}};
}

json ToJson(const AddFile& a) {
  json j;
  j["path"] = a.path;
  j["partitionValues"] = PartitionValuesToJson(a.partition_values);
  j["size"] = a.size;
  j["modificationTime"] = a.modification_time;
  j["dataChange"] = a.data_change;
  if (a.stats) j["stats"] = *a.stats;
  if (a.tags) j["tags"] = *a.tags;
  return json{{"add", j}};
}

json ToJson(const RemoveFile& r) {
  json j;
  j["path"] = r.path;
  if (r.deletion_timestamp) j["deletionTimestamp"] = *r.deletion_timestamp;
  j["dataChange"] = r.data_change;
  if (r.extended_file_metadata) j["extendedFileMetadata"] = *r.extended_file_metadata;
  if (r.partition_values) j["partitionValues"] = PartitionValuesToJson(*r.partition_values);
  if (r.size) j["size"] = *r.size;
  return json{{"remove", j}};
}

json ToJson(const Txn& t) {
  json j = {{"appId", t.app_id}, {"version", t.version}};
  if (t.last_updated) j["lastUpdated"] = *t.last_updated;
  return json{{"txn", j}};
}

Result<Action> FromJson(const json& line, std::string_view where) {
  if (!line.is_object() || line.size() != 1) {
    return Status::Corruption(fmt::format("{}: a log line must be an object with exactly one action", where));
  }
  // Bound through an iterator into `line`: items() would hand out a proxy
  // that dies at the end of the statement.
  const auto first = line.begin();
  const std::string& kind = first.key();
  const json& body = first.value();
  if (!body.is_object()) {
    return Status::Corruption(fmt::format("{}: action '{}' is not an object", where, kind));
  }
  if (kind == "add") {
    AddFile a;
    a.path = body.at("path").get<std::string>();
    a.partition_values = PartitionValuesFromJson(body.value("partitionValues", json::object()));
    a.size = body.value("size", int64_t{0});
    a.modification_time = body.value("modificationTime", int64_t{0});
    a.data_change = body.value("dataChange", true);
    a.stats = Opt<std::string>(body, "stats");
    if (auto it = body.find("tags"); it != body.end() && it->is_object()) a.tags = StringMapFromJson(*it);
    return Action(std::move(a));
  }
  if (kind == "remove") {
    RemoveFile r;
    r.path = body.at("path").get<std::string>();
    r.deletion_timestamp = Opt<int64_t>(body, "deletionTimestamp");
    r.data_change = body.value("dataChange", true);
    r.extended_file_metadata = Opt<bool>(body, "extendedFileMetadata");
    if (auto it = body.find("partitionValues"); it != body.end() && it->is_object()) {
      r.partition_values = PartitionValuesFromJson(*it);
    }
    r.size = Opt<int64_t>(body, "size");
    return Action(std::move(r));
  }
  if (kind == "metaData") {
    Metadata m;
    m.id = body.value("id", std::string());
    m.name = Opt<std::string>(body, "name");
    m.description = Opt<std::string>(body, "description");
    if (auto it = body.find("format"); it != body.end() && it->is_object()) {
      m.format_provider = it->value("provider", std::string("parquet"));
      m.format_options = StringMapFromJson(it->value("options", json::object()));
    }
    m.schema_string = body.at("schemaString").get<std::string>();
    m.partition_columns = body.value("partitionColumns", std::vector<std::string>{});
    m.configuration = StringMapFromJson(body.value("configuration", json::object()));
    m.created_time = Opt<int64_t>(body, "createdTime");
    return Action(std::move(m));
  }
  if (kind == "protocol") {
    Protocol p;
    p.min_reader_version = body.at("minReaderVersion").get<int32_t>();
    p.min_writer_version = body.at("minWriterVersion").get<int32_t>();
    p.reader_features = OptStrings(body, "readerFeatures");
    p.writer_features = OptStrings(body, "writerFeatures");
    return Action(std::move(p));
  }
  if (kind == "txn") {
    Txn t;
    t.app_id = body.at("appId").get<std::string>();
    t.version = body.at("version").get<int64_t>();
    t.last_updated = Opt<int64_t>(body, "lastUpdated");
    return Action(std::move(t));
  }
  if (kind == "commitInfo") return Action(CommitInfo{body.dump()});
  return Action(OtherAction{line.dump()});
}

}  // namespace

std::string ActionToJson(const Action& action) {
  return std::visit(
      [](const auto& a) -> std::string {
        using T = std::decay_t<decltype(a)>;
        if constexpr (std::is_same_v<T, CommitInfo>) {
          return "{\"commitInfo\":" + a.json + "}";
        } else if constexpr (std::is_same_v<T, OtherAction>) {
          return a.json;
        } else {
          return ToJson(a).dump();
        }
      },
      action);
}

Result<Action> ParseAction(std::string_view line, std::string_view where) {
  try {
    return FromJson(json::parse(line), where);
  } catch (const std::exception& e) {
    return Status::Corruption(fmt::format("{}: invalid log line: {}", where, e.what()));
  }
}

Result<std::vector<Action>> ParseCommit(std::string_view content, std::string_view where) {
  std::vector<Action> actions;
  size_t start = 0;
  int line_no = 0;
  while (start < content.size()) {
    size_t end = content.find('\n', start);
    if (end == std::string_view::npos) end = content.size();
    std::string_view line = content.substr(start, end - start);
    ++line_no;
    start = end + 1;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    auto action = ParseAction(line, fmt::format("{} line {}", where, line_no));
    if (!action.ok()) return action.status();
    actions.push_back(std::move(action).value());
  }
  return actions;
}

std::string SerializeCommit(const std::vector<Action>& actions) {
  std::string out;
  for (const auto& a : actions) {
    out += ActionToJson(a);
    out += '\n';
  }
  return out;
}

std::string CommitFileName(int64_t version) { return fmt::format("_delta_log/{:020d}.json", version); }

std::string CheckpointFileName(int64_t version) {
  return fmt::format("_delta_log/{:020d}.checkpoint.parquet", version);
}

std::string MultiPartCheckpointFileName(int64_t version, int part, int parts) {
  return fmt::format("_delta_log/{:020d}.checkpoint.{:010d}.{:010d}.parquet", version, part, parts);
}

std::optional<int64_t> ParseCommitVersion(std::string_view path) {
  auto slash = path.rfind('/');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  if (name.size() != 25 || name.substr(20) != ".json") return std::nullopt;
  int64_t v = 0;
  for (char c : name.substr(0, 20)) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

std::string DecodeUriPath(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '%' && i + 2 < path.size()) {
      auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
      };
      int hi = hex(path[i + 1]), lo = hex(path[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += path[i];
  }
  return out;
}

std::string EncodeUriPath(std::string_view path) {
  // Keep what RFC 3986 allows unescaped in a path, '/' included; escape the rest.
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(path.size());
  for (unsigned char c : path) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                 c == '_' || c == '.' || c == '~' || c == '/' || c == '=' || c == '+' || c == '@' || c == ',' ||
                 c == '!' || c == '$' || c == '&' || c == '\'' || c == '(' || c == ')' || c == '*' || c == ';';
    if (plain) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace medallion::delta
