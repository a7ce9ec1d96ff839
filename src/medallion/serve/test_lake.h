// Test support: small Delta tables written into a temporary lake from JSON
// lines, and requests dispatched straight to a Router (no socket).
#pragma once

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <arrow/io/memory.h>
#include <arrow/json/api.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include <nlohmann/json.hpp>

#include "medallion/common/arrow_compute.h"
#include "medallion/common/arrow_status.h"
#include "medallion/delta/table.h"
#include "medallion/serve/router.h"
#include "medallion/serve/url.h"
#include "medallion/storage/object_store.h"

namespace medallion::serve::testing {

// A fresh directory under the system temp dir, removed by the destructor.
class TempLake {
 public:
  TempLake()
      : root_(std::filesystem::temp_directory_path() /
              ("medallion-serve-lake-" + std::to_string(std::random_device{}()))) {
    std::filesystem::create_directories(root_);
  }
  ~TempLake() { std::filesystem::remove_all(root_); }
  std::string path() const { return root_.string(); }
  std::string operator/(const std::string& child) const { return (root_ / child).string(); }

  void WriteFile(const std::string& relative, const std::string& text) const {
    std::filesystem::create_directories((root_ / relative).parent_path());
    std::ofstream(root_ / relative) << text;
  }

 private:
  std::filesystem::path root_;
};

// Appends `jsonl` (one object per line) to the Delta table at <lake>/<table>,
// creating it with `schema`. Dates and timestamps are given as ISO strings.
inline Status AppendJsonRows(const std::string& lake, const std::string& table,
                             const std::shared_ptr<arrow::Schema>& schema, const std::string& jsonl) {
  MEDALLION_RETURN_IF_ERROR(EnsureArrowComputeReady());
  // Read temporal columns as text, then cast: the JSON reader does not parse dates.
  arrow::FieldVector text_fields;
  for (const auto& f : schema->fields()) {
    bool temporal = f->type()->id() == arrow::Type::DATE32 || f->type()->id() == arrow::Type::TIMESTAMP;
    text_fields.push_back(temporal ? arrow::field(f->name(), arrow::utf8()) : f);
  }
  auto parse = arrow::json::ParseOptions::Defaults();
  parse.explicit_schema = arrow::schema(text_fields);
  parse.unexpected_field_behavior = arrow::json::UnexpectedFieldBehavior::Error;
  const auto first = jsonl.find_first_not_of(" \n");
  const auto last = jsonl.find_last_not_of(" \n");
  std::string trimmed = first == std::string::npos ? "" : jsonl.substr(first, last - first + 1) + "\n";
  auto input = std::make_shared<arrow::io::BufferReader>(arrow::Buffer::FromString(std::move(trimmed)));
  MEDALLION_ASSIGN_OR_RETURN_ARROW(
      auto reader, arrow::json::TableReader::Make(arrow::default_memory_pool(), input,
                                                  arrow::json::ReadOptions::Defaults(), parse));
  MEDALLION_ASSIGN_OR_RETURN_ARROW(auto read, reader->Read());
  arrow::ChunkedArrayVector columns;
  for (const auto& f : schema->fields()) {
    auto column = read->GetColumnByName(f->name());
    MEDALLION_ASSIGN_OR_RETURN_ARROW(auto cast, arrow::compute::Cast(column, f->type()));
    columns.push_back(cast.chunked_array());
  }
  auto data = arrow::Table::Make(schema, columns);
  MEDALLION_ASSIGN_OR_RETURN(auto store, storage::OpenObjectStore(storage::JoinPath(lake, table)));
  delta::CreateOptions create;
  create.schema = schema;
  MEDALLION_ASSIGN_OR_RETURN(auto delta_table, delta::Table::OpenOrCreate(store, create));
  return delta_table->Append(data).status();
}

struct Reply {
  int status = 0;
  nlohmann::json body;
};

// Dispatches "METHOD /path?query" with an optional body and Authorization.
inline Reply Call(const Router& router, Method method, const std::string& target, const std::string& body = "",
                  const std::string& authorization = "") {
  Request request;
  request.method = method;
  auto parsed = ParseTarget(target);
  if (!parsed.ok()) return {-1, parsed.status().ToString()};
  request.path = parsed->path;
  request.query = parsed->query;
  request.body = body;
  if (!body.empty()) request.headers["content-type"] = "application/json";
  if (!authorization.empty()) request.headers["authorization"] = authorization;
  Dispatched out = router.Dispatch(std::move(request));
  Reply reply{out.response.status, nullptr};
  if (out.response.content_type == "application/json") reply.body = nlohmann::json::parse(out.response.body);
  else reply.body = out.response.body;
  return reply;
}

inline Reply Get(const Router& router, const std::string& target) { return Call(router, Method::kGet, target); }

// Where `value` breaks `schema` (type, required, properties, items, anyOf;
// enough for the shapes the routes declare), "" when it conforms.
inline std::string SchemaMismatch(const nlohmann::json& schema, const nlohmann::json& value,
                                  const std::string& where = "$") {
  if (schema.contains("anyOf")) {
    for (const auto& option : schema["anyOf"]) {
      if (SchemaMismatch(option, value, where).empty()) return "";
    }
    return where + ": matches no anyOf option";
  }
  if (schema.contains("type")) {
    auto is = [&](const std::string& type) {
      if (type == "null") return value.is_null();
      if (type == "object") return value.is_object();
      if (type == "array") return value.is_array();
      if (type == "string") return value.is_string();
      if (type == "boolean") return value.is_boolean();
      if (type == "integer") return value.is_number_integer();
      if (type == "number") return value.is_number();
      return false;
    };
    bool ok = false;
    if (schema["type"].is_string()) ok = is(schema["type"]);
    for (const auto& t : schema["type"].is_array() ? schema["type"] : nlohmann::json::array()) ok = ok || is(t);
    if (!ok) return where + ": " + value.dump() + " is not " + schema["type"].dump();
  }
  if (value.is_object()) {
    const nlohmann::json required = schema.value("required", nlohmann::json::array());
    for (const auto& name : required) {
      if (!value.contains(name.get<std::string>())) return where + ": missing " + name.get<std::string>();
    }
    const nlohmann::json properties = schema.value("properties", nlohmann::json::object());
    for (const auto& [name, sub] : properties.items()) {
      if (!value.contains(name)) continue;
      std::string why = SchemaMismatch(sub, value[name], where + "." + name);
      if (!why.empty()) return why;
    }
  }
  if (value.is_array() && schema.contains("items")) {
    for (size_t i = 0; i < value.size(); ++i) {
      std::string why = SchemaMismatch(schema["items"], value[i], where + "[" + std::to_string(i) + "]");
      if (!why.empty()) return why;
    }
  }
  return "";
}

// The declared schema of `path`'s 200 response for `method`.
inline nlohmann::json ResponseSchema(const Router& router, Method method, const std::string& path) {
  for (const auto& route : router.routes()) {
    if (route.spec.method != method || route.spec.path != path) continue;
    for (const auto& r : route.spec.responses) {
      if (r.status == 200) return r.schema;
    }
  }
  return nullptr;
}

}  // namespace medallion::serve::testing
