// Counters of the streaming pipeline and the freshness histogram, and their
// JSON form (<lake>/_runs/stream_status.json, read by the HTTP API's
// /api/v1/pipeline and /metrics).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace medallion::transform {

// Latencies in fixed buckets (Prometheus style: count of samples <= le), so
// percentiles stay cheap to keep for hours of stream.
class LatencyHistogram {
 public:
  // Upper bounds in milliseconds; the last bucket is +Inf.
  static const std::vector<int64_t>& BucketBounds();

  LatencyHistogram();
  void Record(int64_t latency_ms, int64_t count = 1);
  void Merge(const LatencyHistogram& other);
  int64_t count() const { return count_; }
  // The upper bound of the bucket holding the q-quantile (0 < q <= 1),
  // interpolated linearly inside the bucket; 0 with no samples.
  double Quantile(double q) const;
  // [[le_ms, cumulative count], ...] over the finite bounds; the +Inf
  // bucket is the total count (Prometheus' convention: readers add it).
  nlohmann::json BucketsJson() const;

 private:
  std::vector<int64_t> counts_;  // per bucket, not cumulative
  int64_t count_ = 0;
  int64_t max_ms_ = 0;
};

struct LayerCounters {
  int64_t rows_in = 0;
  int64_t rows_out = 0;
  int64_t commits = 0;
  int64_t version = -1;  // last table version read (Bronze) or written
};

struct StreamStats {
  int64_t started_at_ms = 0;
  int64_t updated_at_ms = 0;
  int64_t triggers = 0;
  int64_t busy_triggers = 0;  // triggers that moved data
  LayerCounters bronze, silver, gold;
  int64_t quarantined = 0;
  int64_t late_events = 0;
  // Silver commits that rewrote rows, left out of the windows (see
  // StreamRunner: skipChangeCommits).
  int64_t silver_rewrites_skipped = 0;
  double throughput_rows_per_s = 0;  // Silver rows out per second of run time
  LatencyHistogram freshness;
  std::string last_error;
};

// {"updated_at", "started_at", "triggers", "layers":{"bronze":{...},...},
//  "throughput_rows_per_s", "freshness_ms":{"p50","p99","count","buckets"}}.
nlohmann::json StreamStatsToJson(const StreamStats& stats);

}  // namespace medallion::transform
