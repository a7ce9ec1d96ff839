// A Prometheus metrics registry: counters, gauges and histograms with labels,
// rendered in the text exposition format 0.0.4 at GET /metrics. One
// process-wide registry (Default()) is shared by every module (ingest rate,
// consumer lag, commits, quarantined rows, freshness); tests may make their own.
//
// Registering the same name twice with the same type and labels returns the
// same family, so modules need not coordinate. A mismatch (another type,
// other labels, a malformed name) is a programming error and aborts with a
// message, like a failed CHECK.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace medallion::serve {

class Counter {
 public:
  void Inc(double delta = 1.0);  // negative deltas are ignored: counters only go up
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

class Gauge {
 public:
  void Set(double value) { value_.store(value, std::memory_order_relaxed); }
  void Inc(double delta = 1.0) { value_.fetch_add(delta, std::memory_order_relaxed); }
  void Dec(double delta = 1.0) { value_.fetch_sub(delta, std::memory_order_relaxed); }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

class Histogram {
 public:
  // `upper_bounds` strictly increasing; +Inf is implied.
  explicit Histogram(std::vector<double> upper_bounds);
  void Observe(double value);

  const std::vector<double>& upper_bounds() const { return bounds_; }
  // Cumulative counts per bound, then the +Inf count (== Count()).
  std::vector<uint64_t> CumulativeCounts() const;
  uint64_t Count() const { return count_.load(std::memory_order_relaxed); }
  double Sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // per bound + one for +Inf
  std::atomic<uint64_t> count_{0};
  std::atomic<double> sum_{0.0};
};

// Latency buckets in seconds, 100 µs .. 10 s.
std::vector<double> DefaultLatencyBuckets();

enum class MetricType { kCounter, kGauge, kHistogram };

// One metric name and its children, one per label-value combination.
template <typename M>
class Family {
 public:
  Family(std::vector<std::string> label_names, std::vector<double> buckets)
      : label_names_(std::move(label_names)), buckets_(std::move(buckets)) {}

  // The child for these label values (created on first use). The number of
  // values must equal the number of label names. The reference stays valid
  // for the registry's lifetime: callers may keep it to skip the lookup.
  M& WithLabels(const std::vector<std::string>& values);
  // For a family without labels.
  M& Get() { return WithLabels({}); }

  const std::vector<std::string>& label_names() const { return label_names_; }
  // Copy of (label values, child) pairs, sorted by label values.
  std::vector<std::pair<std::vector<std::string>, const M*>> Children() const;

 private:
  std::vector<std::string> label_names_;
  std::vector<double> buckets_;
  mutable std::mutex mu_;
  std::map<std::vector<std::string>, std::unique_ptr<M>> children_;
};

class MetricsRegistry {
 public:
  static MetricsRegistry& Default();

  Family<Counter>& AddCounter(const std::string& name, const std::string& help,
                              std::vector<std::string> label_names = {});
  Family<Gauge>& AddGauge(const std::string& name, const std::string& help,
                          std::vector<std::string> label_names = {});
  Family<Histogram>& AddHistogram(const std::string& name, const std::string& help,
                                  std::vector<std::string> label_names = {},
                                  std::vector<double> buckets = DefaultLatencyBuckets());

  // The text exposition format 0.0.4, families sorted by name.
  std::string Render() const;

 private:
  struct Entry {
    MetricType type;
    std::string help;
    std::vector<std::string> label_names;
    std::vector<double> buckets;
    std::unique_ptr<Family<Counter>> counters;
    std::unique_ptr<Family<Gauge>> gauges;
    std::unique_ptr<Family<Histogram>> histograms;
  };
  Entry& Register(const std::string& name, MetricType type, const std::string& help,
                  std::vector<std::string> label_names, std::vector<double> buckets);

  mutable std::mutex mu_;
  std::map<std::string, Entry> entries_;
};

// The Content-Type of Render()'s output.
inline constexpr const char* kPrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace medallion::serve
