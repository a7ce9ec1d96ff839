#include "medallion/serve/metrics.h"

#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace medallion::serve {
namespace {

using ::testing::HasSubstr;

TEST(Metrics, RendersCountersAndGaugesWithLabels) {
  MetricsRegistry registry;
  auto& commits = registry.AddCounter("medallion_delta_commits_total", "Delta commits", {"table"});
  commits.WithLabels({"bronze/orders"}).Inc();
  commits.WithLabels({"bronze/orders"}).Inc(2);
  commits.WithLabels({"a\"b\\c\nd"}).Inc();
  registry.AddGauge("medallion_consumer_lag", "Kafka lag").Get().Set(42.5);

  const std::string text = registry.Render();
  EXPECT_THAT(text, HasSubstr("# HELP medallion_delta_commits_total Delta commits\n"
                              "# TYPE medallion_delta_commits_total counter\n"));
  EXPECT_THAT(text, HasSubstr("medallion_delta_commits_total{table=\"bronze/orders\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("medallion_delta_commits_total{table=\"a\\\"b\\\\c\\nd\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE medallion_consumer_lag gauge\nmedallion_consumer_lag 42.5\n"));
}

TEST(Metrics, CounterIgnoresNegativeDelta) {
  Counter c;
  c.Inc(5);
  c.Inc(-3);
  EXPECT_EQ(c.Value(), 5);
}

TEST(Metrics, HistogramBucketsAreCumulative) {
  MetricsRegistry registry;
  auto& h = registry.AddHistogram("latency_seconds", "Latency", {"route"}, {0.5, 1});
  auto& child = h.WithLabels({"/x"});
  child.Observe(0.25);
  child.Observe(0.5);  // le is inclusive
  child.Observe(0.75);
  child.Observe(3);
  const std::string text = registry.Render();
  EXPECT_THAT(text, HasSubstr("latency_seconds_bucket{route=\"/x\",le=\"0.5\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("latency_seconds_bucket{route=\"/x\",le=\"1\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("latency_seconds_bucket{route=\"/x\",le=\"+Inf\"} 4\n"));
  EXPECT_THAT(text, HasSubstr("latency_seconds_sum{route=\"/x\"} 4.5\n"));
  EXPECT_THAT(text, HasSubstr("latency_seconds_count{route=\"/x\"} 4\n"));
}

TEST(Metrics, SameRegistrationReturnsSameFamily) {
  MetricsRegistry registry;
  auto& a = registry.AddCounter("rows_total", "Rows", {"layer"});
  auto& b = registry.AddCounter("rows_total", "Rows", {"layer"});
  EXPECT_EQ(&a, &b);
}

TEST(MetricsDeathTest, ConflictingRegistrationAborts) {
  MetricsRegistry registry;
  registry.AddCounter("rows_total", "Rows", {"layer"});
  EXPECT_DEATH(registry.AddGauge("rows_total", "Rows", {"layer"}), "rows_total");
  EXPECT_DEATH(registry.AddCounter("bad-name", "x"), "invalid metric name");
}

TEST(Metrics, ConcurrentIncrementsAreAllCounted) {
  MetricsRegistry registry;
  auto& family = registry.AddCounter("events_total", "Events", {"kind"});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&family] {
      for (int i = 0; i < 10000; ++i) family.WithLabels({"k"}).Inc();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(family.WithLabels({"k"}).Value(), 40000);
}

}  // namespace
}  // namespace medallion::serve
