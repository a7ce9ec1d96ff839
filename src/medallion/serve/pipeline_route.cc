// GET /api/v1/pipeline: the Overview's Bronze -> Silver -> Gold health. Row
// counts and versions come from the tables' Delta logs; lag, freshness and
// throughput from the status files the running jobs write (null when no job
// reports them).
#include "medallion/serve/data_routes.h"
#include "medallion/serve/pipeline_status.h"
#include "medallion/serve/route_support.h"

namespace medallion::serve {

namespace {

namespace s = schema;

Json TextOrNull(const Json& object, const char* key) {
  if (!object.is_object() || !object.contains(key) || !object[key].is_string()) return Json();
  return object[key];
}

Json PipelineSchema() {
  Json table = s::Object({{"name", s::String()}, {"version", s::Integer()}, {"rows", s::Integer()}});
  return s::Object({
      {"layers", s::Array(s::Object({{"layer", s::String()},
                                      {"rows", s::Integer()},
                                      {"tables", s::Array(table)}}))},
      {"topics", s::Array(s::Object({{"topic", s::String()},
                                      {"rows_per_s", s::Nullable(s::Number())},
                                      {"lag", s::Nullable(s::Number())},
                                      {"bronze_version", s::Nullable(s::Number())},
                                      {"bronze_rows", s::Nullable(s::Number())}}))},
      {"consumer_lag", s::Nullable(s::Number())},
      {"ingest_rows_per_s", s::Nullable(s::Number())},
      {"throughput_rows_per_s", s::Nullable(s::Number())},
      {"freshness_p50_ms", s::Nullable(s::Number())},
      {"freshness_p99_ms", s::Nullable(s::Number())},
      {"ingest_updated_at", s::Nullable(s::String())},
      {"stream_updated_at", s::Nullable(s::String())},
      {"stream", s::Nullable(s::AnyObject())},
  });
}

}  // namespace

Status AddPipelineRoutes(Router& router, std::shared_ptr<LakeReader> lake) {
  RouteSpec spec = GetRoute("/api/v1/pipeline", "pipeline",
                            "Bronze/Silver/Gold rows and versions, consumer lag, freshness p50/p99, throughput",
                            "operations", PipelineSchema());
  return router.Add(std::move(spec), Guarded([lake](const Request&) -> Result<Json> {
    MEDALLION_ASSIGN_OR_RETURN(auto tables, lake->ListTables());
    MEDALLION_ASSIGN_OR_RETURN(PipelineStatus status, ReadPipelineStatus(*lake));
    Json layers = Json::array();
    for (const char* layer : {"bronze", "silver", "gold"}) {
      Json entry = {{"layer", layer}, {"rows", 0}, {"tables", Json::array()}};
      int64_t rows = 0;
      for (const auto& t : tables) {
        if (t.layer != layer) continue;
        rows += t.rows;
        entry["tables"].push_back({{"name", t.name}, {"version", t.version}, {"rows", t.rows}});
      }
      entry["rows"] = rows;
      layers.push_back(std::move(entry));
    }
    Json topics = Json::array();
    for (const auto& t : status.Topics()) {
      topics.push_back({{"topic", t.topic},
                        {"rows_per_s", NumberOrNull(t.rows_per_s)},
                        {"lag", NumberOrNull(t.lag)},
                        {"bronze_version", NumberOrNull(t.bronze_version)},
                        {"bronze_rows", NumberOrNull(t.bronze_rows)}});
    }
    return Json{{"layers", layers},
                {"topics", topics},
                {"consumer_lag", NumberOrNull(status.TotalLag())},
                {"ingest_rows_per_s", NumberOrNull(status.IngestRowsPerSecond())},
                {"throughput_rows_per_s", NumberOrNull(status.ThroughputRowsPerSecond())},
                {"freshness_p50_ms", NumberOrNull(status.FreshnessMs("p50"))},
                {"freshness_p99_ms", NumberOrNull(status.FreshnessMs("p99"))},
                {"ingest_updated_at", TextOrNull(status.ingest, "updated_at")},
                {"stream_updated_at", TextOrNull(status.stream, "updated_at")},
                {"stream", status.stream.is_object() ? status.stream : Json()}};
  }));
}

}  // namespace medallion::serve
