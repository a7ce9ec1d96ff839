#include "medallion/ingest/ingest_loop.h"

#include <arrow/api.h>
#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <thread>

#include "medallion/ingest/embedded_cluster.h"
#include "medallion/ingest/producer.h"

namespace medallion::ingest {
namespace {

using namespace std::chrono_literals;

// Bronze in memory with the Delta txn rule: a batch commits only if every
// partition range starts right after the stored version.
class MemorySink : public BronzeSink {
 public:
  MemorySink(InMemoryOffsetStore* store, std::string group, std::string topic)
      : store_(store), group_(std::move(group)), topic_(std::move(topic)) {}

  Status Write(const BronzeBatch& batch) override {
    std::lock_guard lock(mu_);
    for (const auto& r : batch.partitions) {
      auto v = store_->LastWritten(KafkaAppId(group_, topic_, r.partition));
      const int64_t next = v->has_value() ? **v + 1 : 0;
      if (r.first_offset != next) {
        return Status::Conflict("partition " + std::to_string(r.partition) + " is at " + std::to_string(next) +
                                ", batch starts at " + std::to_string(r.first_offset));
      }
    }
    auto part = std::static_pointer_cast<arrow::Int32Array>(batch.records->GetColumnByName("partition"));
    auto off = std::static_pointer_cast<arrow::Int64Array>(batch.records->GetColumnByName("offset"));
    for (int64_t i = 0; i < batch.records->num_rows(); ++i) rows[{part->Value(i), off->Value(i)}]++;
    for (const auto& r : batch.partitions) store_->Set(KafkaAppId(group_, topic_, r.partition), r.last_offset);
    return Status::OK();
  }

  std::map<std::pair<int32_t, int64_t>, int> rows;  // (partition, offset) -> times written

 private:
  std::mutex mu_;
  InMemoryOffsetStore* store_;
  std::string group_, topic_;
};

class IngestLoopTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto cluster = EmbeddedCluster::Start();
    ASSERT_TRUE(cluster.ok());
    cluster_ = std::move(*cluster);
    ASSERT_TRUE(cluster_->CreateTopic("orders").ok());
    auto producer = Producer::Open({.bootstrap = cluster_->bootstrap()});
    ASSERT_TRUE(producer.ok());
    producer_ = std::move(*producer);
  }

  void Produce(int n) {
    for (int i = 0; i < n; ++i) {
      ASSERT_TRUE(producer_->Send("orders", {"k" + std::to_string(i % 97), "v" + std::to_string(next_++), {}, 0}).ok());
    }
    ASSERT_TRUE(producer_->Flush(10s).ok());
  }

  std::unique_ptr<KafkaSource> Source(InMemoryOffsetStore* store) {
    auto s = KafkaSource::Open({.bootstrap = cluster_->bootstrap(), .group_id = "g", .topic = "orders",
                                .max_batch_records = 200, .max_batch_wait = 300ms,
                                // The mock coordinator waits a session timeout for a departed
                                // member before the next join completes: keep it short here.
                                .extra = {{"session.timeout.ms", "3000"}}},
                               store);
    EXPECT_TRUE(s.ok()) << s.status();
    return std::move(*s);
  }

  void ExpectExactlyOnce(const MemorySink& sink, int64_t total) {
    EXPECT_EQ(static_cast<int64_t>(sink.rows.size()), total);
    std::map<int32_t, int64_t> next;
    for (const auto& [po, times] : sink.rows) {
      EXPECT_EQ(times, 1) << "partition " << po.first << " offset " << po.second;
      EXPECT_EQ(po.second, next[po.first]++) << "partition " << po.first;
    }
  }

  // A group member in a thread of its own, until the topic is drained.
  std::thread Member(KafkaSource& source, BronzeSink& sink, Status* result) {
    return std::thread([this, &source, &sink, result] {
      *result = RunIngestLoop(source, sink, {.until_idle = true, .idle_polls = 4}, never_stop_);
    });
  }

  std::unique_ptr<EmbeddedCluster> cluster_;
  std::unique_ptr<Producer> producer_;
  std::atomic<bool> never_stop_{false};
  int next_ = 0;
};

TEST_F(IngestLoopTest, RestartResumesFromTheStoreExactlyOnce) {
  InMemoryOffsetStore store;
  MemorySink sink(&store, "g", "orders");
  std::atomic<bool> stop{false};
  Produce(1500);
  {
    auto source = Source(&store);
    ASSERT_TRUE(RunIngestLoop(*source, sink, {.until_idle = true}, stop).ok());
    ASSERT_TRUE(source->Close().ok());
  }
  Produce(900);  // more arrives while ingest is down
  auto source = Source(&store);
  IngestProgress last;
  ASSERT_TRUE(RunIngestLoop(*source, sink, {.until_idle = true}, stop, [&](const IngestProgress& p) { last = p; }).ok());
  EXPECT_EQ(last.records, 900) << "the restarted member reads only what is new";
  ExpectExactlyOnce(sink, 2400);
}

TEST_F(IngestLoopTest, RestartWithNothingNewIsDrainedAtOnce) {
  InMemoryOffsetStore store;
  MemorySink sink(&store, "g", "orders");
  std::atomic<bool> stop{false};
  Produce(1200);
  {
    auto source = Source(&store);
    ASSERT_TRUE(RunIngestLoop(*source, sink, {.until_idle = true}, stop).ok());
    ASSERT_TRUE(source->Close().ok());
  }
  // Resumed at the end of every partition, the member consumes nothing, so
  // librdkafka never learns a position; the sought offset must stand in for
  // it, or --until-idle would wait forever.
  auto source = Source(&store);
  std::vector<PartitionLag> lags;
  for (int i = 0; i < 200 && lags.size() != 6; ++i) {
    auto batch = source->PollBatch();
    ASSERT_TRUE(batch.ok()) << batch.status();
    EXPECT_TRUE(batch->empty());
    lags = source->Lag();
  }
  ASSERT_EQ(lags.size(), 6u) << "never joined or fetched";
  for (const auto& l : lags) {
    EXPECT_EQ(l.committed, l.high) << "partition " << l.partition;
    auto written = store.LastWritten(KafkaAppId("g", "orders", l.partition));
    ASSERT_TRUE(written.ok() && written->has_value());
    EXPECT_EQ(l.committed, **written + 1);
  }
  IngestProgress last;
  ASSERT_TRUE(RunIngestLoop(*source, sink, {.until_idle = true}, stop, [&](const IngestProgress& p) { last = p; }).ok());
  EXPECT_EQ(last.records, 0);
  ExpectExactlyOnce(sink, 1200);
}

TEST_F(IngestLoopTest, TwoMembersShareTheTopicExactlyOnce) {
  InMemoryOffsetStore store;
  MemorySink sink(&store, "g", "orders");
  Produce(3000);
  auto a = Source(&store);
  auto b = Source(&store);
  Status sa, sb;
  std::thread ta = Member(*a, sink, &sa);
  std::thread tb = Member(*b, sink, &sb);
  ta.join();
  tb.join();
  ASSERT_TRUE(sa.ok()) << sa;
  ASSERT_TRUE(sb.ok()) << sb;
  // The group split the six partitions between the two members.
  EXPECT_EQ(a->assignment().size() + b->assignment().size(), 6u);
  EXPECT_FALSE(a->assignment().empty());
  EXPECT_FALSE(b->assignment().empty());
  // Whatever a member read before the rebalance was either written or
  // rejected by the txn rule; the survivor of each partition wrote the rest.
  ASSERT_EQ(static_cast<int64_t>(sink.rows.size()), 3000) << "one member may still have been joining; rerun";
  ExpectExactlyOnce(sink, 3000);
}

TEST_F(IngestLoopTest, StaleBatchIsRejectedNotDuplicated) {
  InMemoryOffsetStore store;
  MemorySink sink(&store, "g", "orders");
  Produce(400);
  // Another member already wrote offsets 0..49 of every partition.
  for (int p = 0; p < 6; ++p) store.Set(KafkaAppId("g", "orders", p), 49);
  InMemoryOffsetStore stale;  // this member believes nothing was written
  auto source = Source(&stale);
  std::atomic<bool> stop{false};
  IngestProgress last;
  ASSERT_TRUE(RunIngestLoop(*source, sink, {.max_seconds = 8}, stop, [&](const IngestProgress& p) { last = p; }).ok());
  EXPECT_TRUE(sink.rows.empty());
  // Each refusal sends it back to what its (never updated) store says, so it
  // reads the same records again and is refused again: it never writes.
  EXPECT_GE(source->counters().records.load(), 400);
}

// Refuses its first write as the Bronze log would refuse a commit that gave
// up or lost a race, without writing anything; then passes writes through.
class RefusesFirstWriteSink : public BronzeSink {
 public:
  explicit RefusesFirstWriteSink(MemorySink& inner) : inner_(inner) {}
  Status Write(const BronzeBatch& batch) override {
    if (refused_++ == 0) return Status::Conflict("the commit gave up after retries");
    return inner_.Write(batch);
  }

 private:
  MemorySink& inner_;
  int refused_ = 0;
};

TEST_F(IngestLoopTest, ARefusedBatchIsReadAgainNotSkipped) {
  InMemoryOffsetStore store;
  MemorySink sink(&store, "g", "orders");
  RefusesFirstWriteSink refusing(sink);
  Produce(3000);
  auto source = Source(&store);
  IngestProgress last;
  ASSERT_TRUE(RunIngestLoop(*source, refusing, {.until_idle = true, .idle_polls = 4}, never_stop_,
                            [&](const IngestProgress& p) { last = p; })
                  .ok());
  EXPECT_EQ(last.conflicts, 1);
  // The refused batch's records and those polled behind it were read again
  // from the stored offsets: every offset once, none skipped.
  ExpectExactlyOnce(sink, 3000);
  EXPECT_GT(source->counters().dropped_on_rewind.load() + source->counters().records.load(), 3000);
}

// Writes slowly and notes whether its member went through a rebalance
// while a write was in flight (the rebalance barrier must prevent that).
class SlowSink : public BronzeSink {
 public:
  explicit SlowSink(MemorySink& inner) : inner_(inner) {}
  void Watch(const KafkaSource* source) { source_ = source; }
  Status Write(const BronzeBatch& batch) override {
    const int64_t before = source_->counters().rebalances.load();
    std::this_thread::sleep_for(150ms);
    Status st = inner_.Write(batch);
    if (source_->counters().rebalances.load() != before) rebalanced_during_write = true;
    ++writes;
    return st;
  }
  std::atomic<bool> rebalanced_during_write{false};
  std::atomic<int> writes{0};

 private:
  MemorySink& inner_;
  const KafkaSource* source_ = nullptr;
};

TEST_F(IngestLoopTest, ARebalanceWaitsForTheWriteInFlight) {
  InMemoryOffsetStore store;
  MemorySink sink(&store, "g", "orders");
  Produce(6000);
  auto a = Source(&store);
  SlowSink slow(sink);
  slow.Watch(a.get());
  Status sa, sb;
  std::thread ta = Member(*a, slow, &sa);
  // B joins while A is busy writing: A's revocation has to wait for its
  // write, so B resumes after what A committed.
  while (slow.writes.load() < 2) std::this_thread::sleep_for(10ms);
  auto b = Source(&store);
  std::thread tb = Member(*b, sink, &sb);
  ta.join();
  tb.join();
  ASSERT_TRUE(sa.ok()) << sa;
  ASSERT_TRUE(sb.ok()) << sb;
  EXPECT_GE(a->counters().rebalances.load(), 2) << "B's join revoked and reassigned A's partitions";
  EXPECT_FALSE(slow.rebalanced_during_write.load());
  ASSERT_EQ(static_cast<int64_t>(sink.rows.size()), 6000) << "one member may still have been joining; rerun";
  ExpectExactlyOnce(sink, 6000);
}

}  // namespace
}  // namespace medallion::ingest
