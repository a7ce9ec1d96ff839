// GET /api/v1/tables and /api/v1/tables/{layer}/{name}/history.
#include <cctype>

#include "medallion/serve/arrow_rows.h"
#include "medallion/serve/data_routes.h"
#include "medallion/serve/json_schema.h"
#include "medallion/serve/route_support.h"

namespace medallion::serve {

namespace {

namespace s = schema;

Json TableSchema() {
  return s::Object({{"layer", s::String()},
                    {"name", s::String()},
                    {"version", s::Integer()},
                    {"rows", s::Integer()},
                    {"files", s::Integer()},
                    {"size_bytes", s::Integer()},
                    {"last_commit", s::Nullable(s::DateTime())}});
}

Json TableJson(const TableStats& t) {
  return {{"layer", t.layer},
          {"name", t.name},
          {"version", t.version},
          {"rows", t.rows},
          {"files", t.files},
          {"size_bytes", t.size_bytes},
          {"last_commit", t.last_commit_ms > 0 ? Json(FormatTimestampMicros(t.last_commit_ms * 1000)) : Json()}};
}

// Table names are single path segments of plain characters: anything else
// cannot be a table and must never reach the store as a path.
bool IsTableName(const std::string& name) {
  if (name.empty() || name.size() > 200 || name.front() == '.') return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.') return false;
  }
  return true;
}

}  // namespace

Status AddTableRoutes(Router& router, std::shared_ptr<LakeReader> lake) {
  RouteSpec list = GetRoute("/api/v1/tables", "listTables",
                            "Every Delta table under bronze/, silver/, gold/ and _models/", "tables",
                            s::Object({{"tables", s::Array(TableSchema())}}));
  MEDALLION_RETURN_IF_ERROR(router.Add(std::move(list), Guarded([lake](const Request&) -> Result<Json> {
    MEDALLION_ASSIGN_OR_RETURN(auto tables, lake->ListTables());
    Json out = {{"tables", Json::array()}};
    for (const auto& t : tables) out["tables"].push_back(TableJson(t));
    return out;
  })));

  RouteSpec history = GetRoute(
      "/api/v1/tables/{layer}/{name}/history", "tableHistory", "Commits of one table, newest first", "tables",
      s::Object({{"layer", s::String()},
                 {"name", s::String()},
                 {"version", s::Integer()},
                 {"history", s::Array(s::Object({{"version", s::Integer()},
                                                  {"timestamp", s::DateTime()},
                                                  {"operation", s::Nullable(s::String())},
                                                  {"commit_info", s::AnyObject()}}))}}));
  ParamSpec layer = PathParam("layer", "bronze, silver, gold or _models");
  layer.allowed = LakeLayers();
  ParamSpec name = PathParam("name", "Table name, e.g. sales_daily");
  name.max_length = 200;
  ParamSpec limit = QueryParam("limit", ParamType::kInteger, false, "Most recent commits to return (default 50)");
  limit.minimum = 1;
  limit.maximum = 1000;
  history.params = {layer, name, limit};
  return router.Add(std::move(history), Guarded([lake](const Request& request) -> Result<Json> {
    const std::string layer = request.path_params.at("layer");
    const std::string name = request.path_params.at("name");
    if (!IsTableName(name)) return Status::NotFound("no table " + layer + "/" + name);
    MEDALLION_ASSIGN_OR_RETURN(auto entries, lake->History(layer + "/" + name, request.params.Int("limit").value_or(50)));
    if (!entries) return Status::NotFound("no table " + layer + "/" + name);
    Json out = {{"layer", layer}, {"name", name}, {"version", entries->empty() ? -1 : entries->front().version},
                {"history", Json::array()}};
    for (const auto& e : *entries) {
      Json info = Json::parse(e.commit_info_json, nullptr, /*allow_exceptions=*/false);
      if (!info.is_object()) info = Json::object();
      Json operation = info.contains("operation") && info["operation"].is_string() ? info["operation"] : Json();
      out["history"].push_back({{"version", e.version},
                                {"timestamp", FormatTimestampMicros(e.timestamp_ms * 1000)},
                                {"operation", operation},
                                {"commit_info", info}});
    }
    return out;
  }));
}

}  // namespace medallion::serve
