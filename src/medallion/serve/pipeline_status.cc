#include "medallion/serve/pipeline_status.h"

#include <spdlog/spdlog.h>

namespace medallion::serve {

namespace {

using Json = nlohmann::json;

std::optional<double> NumberAt(const Json& object, const char* key) {
  if (!object.is_object()) return std::nullopt;
  auto it = object.find(key);
  if (it == object.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

Result<Json> ReadStatusFile(LakeReader& lake, const std::string& path) {
  MEDALLION_ASSIGN_OR_RETURN(auto text, lake.ReadObject(path));
  if (!text) return Json();
  Json parsed = Json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object()) {
    spdlog::warn("{} is not a JSON object; ignoring it", path);
    return Json();
  }
  return parsed;
}

}  // namespace

std::vector<TopicStatus> PipelineStatus::Topics() const {
  std::vector<TopicStatus> out;
  if (!ingest.is_object() || !ingest.contains("topics") || !ingest["topics"].is_object()) return out;
  for (const auto& [topic, st] : ingest["topics"].items()) {
    out.push_back({topic, NumberAt(st, "rows_per_s"), NumberAt(st, "lag"), NumberAt(st, "bronze_version"),
                   NumberAt(st, "bronze_rows")});
  }
  return out;
}

std::optional<double> PipelineStatus::TotalLag() const {
  std::optional<double> total;
  for (const auto& t : Topics()) {
    if (t.lag) total = total.value_or(0) + *t.lag;
  }
  return total;
}

std::optional<double> PipelineStatus::IngestRowsPerSecond() const {
  std::optional<double> total;
  for (const auto& t : Topics()) {
    if (t.rows_per_s) total = total.value_or(0) + *t.rows_per_s;
  }
  return total;
}

std::optional<double> PipelineStatus::ThroughputRowsPerSecond() const {
  return NumberAt(stream, "throughput_rows_per_s");
}

std::optional<double> PipelineStatus::FreshnessMs(const char* quantile) const {
  if (!stream.is_object() || !stream.contains("freshness_ms")) return std::nullopt;
  return NumberAt(stream["freshness_ms"], quantile);
}

std::optional<double> PipelineStatus::FreshnessCount() const {
  if (!stream.is_object() || !stream.contains("freshness_ms")) return std::nullopt;
  return NumberAt(stream["freshness_ms"], "count");
}

std::vector<std::pair<double, double>> PipelineStatus::FreshnessBuckets() const {
  std::vector<std::pair<double, double>> out;
  if (!stream.is_object() || !stream.contains("freshness_ms") || !stream["freshness_ms"].is_object()) return out;
  const Json& freshness = stream["freshness_ms"];
  auto buckets = freshness.find("buckets");
  if (buckets == freshness.end() || !buckets->is_array()) return out;
  for (const auto& b : *buckets) {
    if (b.is_array() && b.size() == 2 && b[0].is_number() && b[1].is_number()) {
      out.emplace_back(b[0].get<double>(), b[1].get<double>());
    }
  }
  return out;
}

Result<PipelineStatus> ReadPipelineStatus(LakeReader& lake) {
  PipelineStatus status;
  MEDALLION_ASSIGN_OR_RETURN(status.stream, ReadStatusFile(lake, "_runs/stream_status.json"));
  MEDALLION_ASSIGN_OR_RETURN(status.ingest, ReadStatusFile(lake, "_runs/ingest_status.json"));
  return status;
}

}  // namespace medallion::serve
