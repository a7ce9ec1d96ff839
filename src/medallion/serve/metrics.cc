#include "medallion/serve/metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <iostream>

#include <fmt/format.h>

namespace medallion::serve {

namespace {

[[noreturn]] void DieMetric(const std::string& name, const std::string& why) {
  std::cerr << "medallion: metric " << name << ": " << why << std::endl;
  std::abort();
}

bool IsValidName(const std::string& name, bool allow_colon) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (allow_colon && c == ':') ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

std::string FormatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", v);
}

std::string EscapeLabelValue(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string EscapeHelp(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

// {a="x",b="y"} plus an optional extra pair (the histogram's le).
std::string LabelSet(const std::vector<std::string>& names, const std::vector<std::string>& values,
                     const std::string& extra_name = "", const std::string& extra_value = "") {
  if (names.empty() && extra_name.empty()) return "";
  std::string out = "{";
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ",";
    out += names[i] + "=\"" + EscapeLabelValue(values[i]) + "\"";
  }
  if (!extra_name.empty()) {
    if (!names.empty()) out += ",";
    out += extra_name + "=\"" + extra_value + "\"";
  }
  return out + "}";
}

template <typename M>
std::unique_ptr<M> MakeChild(const std::vector<double>& buckets) {
  if constexpr (std::is_same_v<M, Histogram>) {
    return std::make_unique<Histogram>(buckets);
  } else {
    return std::make_unique<M>();
  }
}

}  // namespace

void Counter::Inc(double delta) {
  if (delta > 0) value_.fetch_add(delta, std::memory_order_relaxed);
}

Histogram::Histogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)), buckets_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
  for (size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0, std::memory_order_relaxed);
}

void Histogram::Observe(double value) {
  size_t i = std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

std::vector<uint64_t> Histogram::CumulativeCounts() const {
  std::vector<uint64_t> counts(bounds_.size() + 1);
  uint64_t running = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    counts[i] = running;
  }
  return counts;
}

std::vector<double> DefaultLatencyBuckets() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

template <typename M>
M& Family<M>::WithLabels(const std::vector<std::string>& values) {
  if (values.size() != label_names_.size()) {
    DieMetric("(family)", fmt::format("{} label values for {} label names", values.size(), label_names_.size()));
  }
  std::lock_guard<std::mutex> lock(mu_);
  auto& child = children_[values];
  if (!child) child = MakeChild<M>(buckets_);
  return *child;
}

template <typename M>
std::vector<std::pair<std::vector<std::string>, const M*>> Family<M>::Children() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::pair<std::vector<std::string>, const M*>> out;
  for (const auto& [labels, child] : children_) out.emplace_back(labels, child.get());
  return out;
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

MetricsRegistry& MetricsRegistry::Default() {
  static MetricsRegistry* registry = new MetricsRegistry();  // never destroyed: used until exit
  return *registry;
}

MetricsRegistry::Entry& MetricsRegistry::Register(const std::string& name, MetricType type, const std::string& help,
                                                  std::vector<std::string> label_names, std::vector<double> buckets) {
  if (!IsValidName(name, true)) DieMetric(name, "invalid metric name");
  for (const auto& label : label_names) {
    if (!IsValidName(label, false) || label.starts_with("__") || label == "le") {
      DieMetric(name, "invalid label name '" + label + "'");
    }
  }
  if (type == MetricType::kHistogram && !std::is_sorted(buckets.begin(), buckets.end(), std::less_equal<double>())) {
    DieMetric(name, "histogram buckets must be strictly increasing");
  }
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(name);
  if (it != entries_.end()) {
    const Entry& e = it->second;
    if (e.type != type || e.label_names != label_names || (type == MetricType::kHistogram && e.buckets != buckets)) {
      DieMetric(name, "registered again with another type, labels or buckets");
    }
    return it->second;
  }
  Entry& entry = entries_[name];
  entry.type = type;
  entry.help = help;
  entry.label_names = label_names;
  entry.buckets = buckets;
  switch (type) {
    case MetricType::kCounter: entry.counters = std::make_unique<Family<Counter>>(label_names, buckets); break;
    case MetricType::kGauge: entry.gauges = std::make_unique<Family<Gauge>>(label_names, buckets); break;
    case MetricType::kHistogram:
      entry.histograms = std::make_unique<Family<Histogram>>(label_names, buckets);
      break;
  }
  return entry;
}

Family<Counter>& MetricsRegistry::AddCounter(const std::string& name, const std::string& help,
                                             std::vector<std::string> label_names) {
  return *Register(name, MetricType::kCounter, help, std::move(label_names), {}).counters;
}

Family<Gauge>& MetricsRegistry::AddGauge(const std::string& name, const std::string& help,
                                         std::vector<std::string> label_names) {
  return *Register(name, MetricType::kGauge, help, std::move(label_names), {}).gauges;
}

Family<Histogram>& MetricsRegistry::AddHistogram(const std::string& name, const std::string& help,
                                                 std::vector<std::string> label_names, std::vector<double> buckets) {
  return *Register(name, MetricType::kHistogram, help, std::move(label_names), std::move(buckets)).histograms;
}

std::string MetricsRegistry::Render() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  for (const auto& [name, e] : entries_) {
    static constexpr const char* kTypeNames[] = {"counter", "gauge", "histogram"};
    out += "# HELP " + name + " " + EscapeHelp(e.help) + "\n";
    out += "# TYPE " + name + " " + kTypeNames[static_cast<int>(e.type)] + "\n";
    switch (e.type) {
      case MetricType::kCounter:
        for (const auto& [labels, c] : e.counters->Children()) {
          out += name + LabelSet(e.label_names, labels) + " " + FormatValue(c->Value()) + "\n";
        }
        break;
      case MetricType::kGauge:
        for (const auto& [labels, g] : e.gauges->Children()) {
          out += name + LabelSet(e.label_names, labels) + " " + FormatValue(g->Value()) + "\n";
        }
        break;
      case MetricType::kHistogram:
        for (const auto& [labels, h] : e.histograms->Children()) {
          // Read the buckets once so _count equals the +Inf bucket even while
          // other threads observe.
          auto counts = h->CumulativeCounts();
          for (size_t i = 0; i < h->upper_bounds().size(); ++i) {
            out += name + "_bucket" + LabelSet(e.label_names, labels, "le", FormatValue(h->upper_bounds()[i])) + " " +
                   std::to_string(counts[i]) + "\n";
          }
          out += name + "_bucket" + LabelSet(e.label_names, labels, "le", "+Inf") + " " +
                 std::to_string(counts.back()) + "\n";
          out += name + "_sum" + LabelSet(e.label_names, labels) + " " + FormatValue(h->Sum()) + "\n";
          out += name + "_count" + LabelSet(e.label_names, labels) + " " + std::to_string(counts.back()) + "\n";
        }
        break;
    }
  }
  return out;
}

}  // namespace medallion::serve
