// The pipeline's live state as the running processes report it: the stream
// job writes <lake>/_runs/stream_status.json and ingest (or `medallion demo`)
// writes <lake>/_runs/ingest_status.json every few seconds. Either may be
// absent (nothing running) or half-shaped (an older writer): every figure
// here is optional.
//
//   stream_status.json  {"updated_at", "layers": {"bronze": {...}, ...},
//                        "throughput_rows_per_s",
//                        "freshness_ms": {"p50", "p99", "count",
//                                         "buckets": [[le_ms, count], ...]}}
//   ingest_status.json  {"updated_at", "topics": {"<topic>": {"rows_per_s",
//                        "lag", "bronze_version", "bronze_rows"}}}
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "medallion/common/result.h"
#include "medallion/serve/lake_reader.h"

namespace medallion::serve {

struct TopicStatus {
  std::string topic;
  std::optional<double> rows_per_s;
  std::optional<double> lag;
  std::optional<double> bronze_version;
  std::optional<double> bronze_rows;
};

struct PipelineStatus {
  nlohmann::json stream;  // the parsed file, null when absent or unreadable
  nlohmann::json ingest;

  std::vector<TopicStatus> Topics() const;
  std::optional<double> TotalLag() const;
  std::optional<double> IngestRowsPerSecond() const;
  std::optional<double> ThroughputRowsPerSecond() const;
  std::optional<double> FreshnessMs(const char* quantile) const;  // "p50", "p99"
  // Cumulative [(le_ms, count)], as the stream job wrote them.
  std::vector<std::pair<double, double>> FreshnessBuckets() const;
  std::optional<double> FreshnessCount() const;
};

// A malformed file reads as absent (with a warning in the log): a writer
// mid-way through an upgrade must not take the API down.
Result<PipelineStatus> ReadPipelineStatus(LakeReader& lake);

}  // namespace medallion::serve
