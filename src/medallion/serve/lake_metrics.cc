#include "medallion/serve/lake_metrics.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "medallion/serve/pipeline_status.h"

namespace medallion::serve {

LakeMetrics::LakeMetrics(std::shared_ptr<LakeReader> lake, MetricsRegistry& registry)
    : lake_(std::move(lake)),
      table_rows_(registry.AddGauge("medallion_table_rows", "Rows of a Delta table (from file stats)",
                                    {"layer", "table"})),
      table_version_(registry.AddGauge("medallion_table_version",
                                       "Latest version of a Delta table (commits - 1)", {"layer", "table"})),
      quarantined_(registry.AddGauge("medallion_quarantined_rows", "Rows in a Silver quarantine table", {"table"})),
      ingest_rate_(registry.AddGauge("medallion_ingest_rows_per_second", "Kafka -> Bronze rate reported by ingest",
                                     {"topic"})),
      consumer_lag_(registry.AddGauge("medallion_consumer_lag_messages", "Kafka consumer lag reported by ingest",
                                      {"topic"})),
      throughput_(registry
                      .AddGauge("medallion_stream_throughput_rows_per_second",
                                "Rows per second through the streaming Silver/Gold job")
                      .Get()),
      freshness_quantile_(registry.AddGauge("medallion_freshness_quantile_seconds",
                                            "End-to-end freshness (ingest -> Gold commit) quantiles", {"quantile"})) {}

std::string LakeMetrics::Collect() {
  auto tables = lake_->ListTables();
  if (tables.ok()) {
    for (const auto& t : *tables) {
      table_rows_.WithLabels({t.layer, t.name}).Set(static_cast<double>(t.rows));
      table_version_.WithLabels({t.layer, t.name}).Set(static_cast<double>(t.version));
      if (t.layer == "silver" && t.name.ends_with("_quarantine")) {
        quarantined_.WithLabels({t.layer + "/" + t.name}).Set(static_cast<double>(t.rows));
      }
    }
  } else {
    spdlog::warn("metrics: listing the lake failed: {}", tables.status().ToString());
  }
  auto status = ReadPipelineStatus(*lake_);
  if (!status.ok()) {
    spdlog::warn("metrics: reading the status files failed: {}", status.status().ToString());
    return "";
  }
  for (const auto& topic : status->Topics()) {
    if (topic.rows_per_s) ingest_rate_.WithLabels({topic.topic}).Set(*topic.rows_per_s);
    if (topic.lag) consumer_lag_.WithLabels({topic.topic}).Set(*topic.lag);
  }
  if (auto rate = status->ThroughputRowsPerSecond()) throughput_.Set(*rate);
  if (auto p50 = status->FreshnessMs("p50")) freshness_quantile_.WithLabels({"0.5"}).Set(*p50 / 1000.0);
  if (auto p99 = status->FreshnessMs("p99")) freshness_quantile_.WithLabels({"0.99"}).Set(*p99 / 1000.0);

  auto buckets = status->FreshnessBuckets();
  if (buckets.empty()) return "";
  // The status file carries no sum; the bucket bounds give an upper estimate,
  // which is what the HELP line says.
  double sum = 0, previous = 0, count = status->FreshnessCount().value_or(buckets.back().second);
  std::string text =
      "# HELP medallion_freshness_seconds End-to-end freshness per row (ingest -> Gold commit); _sum is an upper "
      "estimate from the bucket bounds\n# TYPE medallion_freshness_seconds histogram\n";
  for (const auto& [le_ms, cumulative] : buckets) {
    sum += (cumulative - previous) * le_ms / 1000.0;
    previous = cumulative;
    text += fmt::format("medallion_freshness_seconds_bucket{{le=\"{}\"}} {}\n", le_ms / 1000.0, cumulative);
  }
  text += fmt::format("medallion_freshness_seconds_bucket{{le=\"+Inf\"}} {}\n", count);
  text += fmt::format("medallion_freshness_seconds_sum {}\n", sum);
  text += fmt::format("medallion_freshness_seconds_count {}\n", count);
  return text;
}

}  // namespace medallion::serve
