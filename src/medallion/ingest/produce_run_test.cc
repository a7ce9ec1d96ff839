#include "medallion/ingest/produce_run.h"

#include <arrow/api.h>
#include <gtest/gtest.h>

#include <thread>

#include "medallion/ingest/calendar.h"
#include "medallion/ingest/embedded_cluster.h"
#include "medallion/ingest/kafka_source.h"
#include "medallion/ingest/orders_generator.h"

namespace medallion::ingest {
namespace {

using namespace std::chrono_literals;

// Wraps a real probe; remembers the largest lag the producer was told and
// can stop the run after a number of checks.
class RecordingProbe : public LagProbe {
 public:
  RecordingProbe(LagProbe* inner, std::atomic<bool>* stop, int stop_after_calls)
      : inner_(inner), stop_(stop), stop_after_(stop_after_calls) {}
  Result<std::vector<PartitionLag>> Lag(const std::string& topic) override {
    auto lags = inner_->Lag(topic);
    if (lags.ok()) {
      for (const auto& l : *lags) max_seen = std::max(max_seen, l.lag());
    }
    if (++calls >= stop_after_ && stop_) stop_->store(true);
    return lags;
  }
  int64_t max_seen = 0;
  int calls = 0;

 private:
  LagProbe* inner_;
  std::atomic<bool>* stop_;
  int stop_after_;
};

class ProduceRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto cluster = EmbeddedCluster::Start();
    ASSERT_TRUE(cluster.ok()) << cluster.status();
    cluster_ = std::move(*cluster);
    ASSERT_TRUE(cluster_->CreateTopic("orders").ok());
    ASSERT_TRUE(cluster_->CreateTopic("ticks").ok());
    auto producer = Producer::Open({.bootstrap = cluster_->bootstrap()});
    ASSERT_TRUE(producer.ok());
    producer_ = std::move(*producer);
    auto probe = GroupLagProbe::Open(cluster_->bootstrap(), "medallion-ingest");
    ASSERT_TRUE(probe.ok());
    probe_ = std::move(*probe);
  }

  ProduceRunOptions Small() {
    ProduceRunOptions o;
    o.history_days = 2;
    o.history_end = DaysFromCivil(2025, 6, 2);
    o.num_products = 20;
    o.num_customers = 500;
    o.daily_units = 300;
    o.heavy_bad_every = 0;
    return o;
  }

  int64_t RecordsInTopic(const std::string& topic) {
    auto lags = probe_->Lag(topic);
    EXPECT_TRUE(lags.ok()) << lags.status();
    int64_t n = 0;
    for (const auto& l : *lags) n += l.high - l.low;
    return n;
  }

  std::unique_ptr<EmbeddedCluster> cluster_;
  std::unique_ptr<Producer> producer_;
  std::unique_ptr<GroupLagProbe> probe_;
};

TEST_F(ProduceRunTest, HistoryOfOrdersLandsCompletely) {
  ProduceRunOptions o = Small();
  o.bad_fraction = 0.1;
  std::atomic<bool> stop{false};
  ProduceProgress last;
  ASSERT_TRUE(RunProduce(o, *producer_, nullptr, stop, [&](const ProduceProgress& p) { last = p; }).ok());
  // The same generator settings give the same day sizes.
  OrdersGenerator gen({.seed = o.seed, .num_products = o.num_products, .num_customers = o.num_customers,
                       .total_daily_units = o.daily_units, .history_end = o.history_end, .history_days = 2});
  const int64_t good = static_cast<int64_t>(gen.Day(o.history_end - 2).size() + gen.Day(o.history_end - 1).size());
  EXPECT_EQ(last.sent - last.bad, good);
  EXPECT_NEAR(static_cast<double>(last.bad) / good, 0.1, 0.03);
  EXPECT_EQ(last.delivered, last.sent);
  EXPECT_EQ(last.failed, 0);
  EXPECT_EQ(RecordsInTopic("orders"), last.sent);
}

TEST_F(ProduceRunTest, TicksHistorySkipsWeekends) {
  ProduceRunOptions o = Small();
  o.topic = "ticks";
  o.history_end = DaysFromCivil(2025, 6, 2);  // Monday: the two days before are a weekend
  std::atomic<bool> stop{false};
  ASSERT_TRUE(RunProduce(o, *producer_, nullptr, stop, nullptr).ok());
  EXPECT_EQ(RecordsInTopic("ticks"), 0);
  o.history_days = 3;  // adds Friday
  ASSERT_TRUE(RunProduce(o, *producer_, nullptr, stop, nullptr).ok());
  EXPECT_GT(RecordsInTopic("ticks"), 1000);
}

TEST_F(ProduceRunTest, LiveRateAndMaxEvents) {
  ProduceRunOptions o = Small();
  o.history_days = 0;
  o.rate = 2000;
  o.max_events = 300;
  std::atomic<bool> stop{false};
  ProduceProgress last;
  ASSERT_TRUE(RunProduce(o, *producer_, nullptr, stop, [&](const ProduceProgress& p) { last = p; }).ok());
  EXPECT_EQ(last.sent, 300);
  EXPECT_TRUE(last.live);
  EXPECT_EQ(RecordsInTopic("orders"), 300);
}

TEST_F(ProduceRunTest, BackPressurePausesWithoutAConsumer) {
  ProduceRunOptions o = Small();
  o.max_lag = 200;
  std::atomic<bool> stop{false};
  // Nobody consumes: the producer must stall at the limit. The probe stops
  // the run after enough checks to be sure it is stuck.
  RecordingProbe probe(probe_.get(), &stop, 15);
  ASSERT_TRUE(RunProduce(o, *producer_, &probe, stop, nullptr).ok());
  EXPECT_LE(probe.max_seen, o.max_lag);
  EXPECT_LE(RecordsInTopic("orders"), 6 * o.max_lag);
  EXPECT_GT(RecordsInTopic("orders"), 0);
}

TEST_F(ProduceRunTest, BackPressureFollowsAConsumer) {
  ProduceRunOptions o = Small();
  o.max_lag = 300;
  std::atomic<bool> stop{false};
  std::atomic<int64_t> target{-1};  // records in the topic, once the producer is done
  std::atomic<int64_t> consumed{0};
  InMemoryOffsetStore store;
  std::thread consumer([&] {
    auto source = KafkaSource::Open({.bootstrap = cluster_->bootstrap(), .topic = "orders", .max_batch_wait = 200ms},
                                    &store);
    ASSERT_TRUE(source.ok());
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    while (std::chrono::steady_clock::now() < deadline) {
      auto b = (*source)->PollBatch();
      ASSERT_TRUE(b.ok()) << b.status();
      consumed += b->records->num_rows();
      for (const auto& r : b->partitions) store.Set(KafkaAppId("medallion-ingest", "orders", r.partition), r.last_offset);
      ASSERT_TRUE((*source)->CommitForMonitoring(*b).ok());
      if (target >= 0 && consumed >= target) break;
    }
  });
  RecordingProbe probe(probe_.get(), nullptr, 0);
  const Status st = RunProduce(o, *producer_, &probe, stop, nullptr);
  target = RecordsInTopic("orders");
  consumer.join();
  ASSERT_TRUE(st.ok()) << st;
  EXPECT_EQ(consumed.load(), RecordsInTopic("orders"));
  EXPECT_GT(RecordsInTopic("orders"), 6 * o.max_lag) << "the run is larger than the limit, so it had to wait";
  EXPECT_LE(probe.max_seen, o.max_lag + 50);
}

}  // namespace
}  // namespace medallion::ingest
