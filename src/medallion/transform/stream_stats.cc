#include "medallion/transform/stream_stats.h"

#include <algorithm>

#include "medallion/ingest/calendar.h"

namespace medallion::transform {

const std::vector<int64_t>& LatencyHistogram::BucketBounds() {
  // Roughly x2 steps from 5 ms to 10 min: the 1 s target sits on a bound.
  static const std::vector<int64_t> bounds = {5,    10,   25,    50,    100,   250,    500,    750,
                                              1000, 1500, 2000,  3000,  5000,  10000,  30000,  60000,
                                              120000, 300000, 600000};
  return bounds;
}

LatencyHistogram::LatencyHistogram() : counts_(BucketBounds().size() + 1, 0) {}

void LatencyHistogram::Record(int64_t latency_ms, int64_t count) {
  if (count <= 0) return;
  latency_ms = std::max<int64_t>(latency_ms, 0);
  const auto& bounds = BucketBounds();
  const size_t bucket = std::lower_bound(bounds.begin(), bounds.end(), latency_ms) - bounds.begin();
  counts_[bucket] += count;
  count_ += count;
  max_ms_ = std::max(max_ms_, latency_ms);
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  for (size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  max_ms_ = std::max(max_ms_, other.max_ms_);
}

double LatencyHistogram::Quantile(double q) const {
  if (count_ == 0) return 0;
  const auto& bounds = BucketBounds();
  const double rank = q * static_cast<double>(count_);
  int64_t below = 0;
  for (size_t i = 0; i < counts_.size(); ++i) {
    if (counts_[i] == 0) continue;
    if (static_cast<double>(below + counts_[i]) >= rank) {
      const double lo = i == 0 ? 0.0 : static_cast<double>(bounds[i - 1]);
      // The +Inf bucket ends at the largest latency seen, and no bucket
      // reports more than that.
      const double hi = std::min(i < bounds.size() ? static_cast<double>(bounds[i]) : static_cast<double>(max_ms_),
                                 static_cast<double>(max_ms_));
      const double within = (rank - static_cast<double>(below)) / static_cast<double>(counts_[i]);
      return std::max(lo, std::min(hi, lo + within * (hi - lo)));
    }
    below += counts_[i];
  }
  return static_cast<double>(max_ms_);
}

nlohmann::json LatencyHistogram::BucketsJson() const {
  nlohmann::json out = nlohmann::json::array();
  const auto& bounds = BucketBounds();
  int64_t cumulative = 0;
  for (size_t i = 0; i < bounds.size(); ++i) {
    cumulative += counts_[i];
    out.push_back({bounds[i], cumulative});
  }
  return out;
}

namespace {

nlohmann::json LayerJson(const LayerCounters& c) {
  return {{"rows_in", c.rows_in}, {"rows_out", c.rows_out}, {"commits", c.commits}, {"version", c.version}};
}

}  // namespace

nlohmann::json StreamStatsToJson(const StreamStats& stats) {
  nlohmann::json j;
  j["updated_at"] = ingest::FormatIsoMillis(stats.updated_at_ms);
  j["started_at"] = ingest::FormatIsoMillis(stats.started_at_ms);
  j["triggers"] = stats.triggers;
  j["busy_triggers"] = stats.busy_triggers;
  j["layers"] = {{"bronze", LayerJson(stats.bronze)}, {"silver", LayerJson(stats.silver)}, {"gold", LayerJson(stats.gold)}};
  j["layers"]["silver"]["quarantined"] = stats.quarantined;
  j["layers"]["gold"]["late_events"] = stats.late_events;
  j["layers"]["gold"]["silver_rewrites_skipped"] = stats.silver_rewrites_skipped;
  j["throughput_rows_per_s"] = stats.throughput_rows_per_s;
  j["freshness_ms"] = {{"p50", stats.freshness.Quantile(0.50)},
                       {"p99", stats.freshness.Quantile(0.99)},
                       {"count", stats.freshness.count()},
                       {"buckets", stats.freshness.BucketsJson()}};
  if (!stats.last_error.empty()) j["last_error"] = stats.last_error;
  return j;
}

}  // namespace medallion::transform
