// Producer -> embedded (librdkafka mock) cluster -> KafkaSource, end to end
// on loopback with no Java.
#include "medallion/ingest/kafka_source.h"

#include <arrow/api.h>
#include <gtest/gtest.h>
#include <librdkafka/rdkafka_mock.h>

#include <chrono>
#include <map>
#include <random>
#include <set>

#include "medallion/ingest/bad_records.h"
#include "medallion/ingest/calendar.h"
#include "medallion/ingest/embedded_cluster.h"
#include "medallion/ingest/orders_generator.h"
#include "medallion/ingest/producer.h"

namespace medallion::ingest {
namespace {

using namespace std::chrono_literals;

struct Row {
  std::string key, value, bad_kind;
};

class KafkaSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto cluster = EmbeddedCluster::Start();
    ASSERT_TRUE(cluster.ok()) << cluster.status();
    cluster_ = std::move(*cluster);
    ASSERT_TRUE(cluster_->CreateTopic(topic_).ok());
    ProducerOptions po;
    po.bootstrap = cluster_->bootstrap();
    auto producer = Producer::Open(po);
    ASSERT_TRUE(producer.ok()) << producer.status();
    producer_ = std::move(*producer);
  }

  // `n` good orders events with bad ones mixed in, produced and acknowledged.
  std::vector<KafkaRecord> ProduceOrders(int n, double bad_fraction) {
    OrdersOptions o;
    o.num_products = 30;
    o.num_customers = 300;
    o.total_daily_units = 20'000;
    o.history_end = DaysFromCivil(2025, 6, 2);
    OrdersGenerator gen(o);
    BadRecordOptions bo;
    bo.fraction = bad_fraction;
    bo.heavy_every = 0;  // no megabyte records in unit tests
    BadRecordMixer mixer(bo);
    std::vector<KafkaRecord> records;
    for (const auto& e : gen.Day(o.history_end - 1)) {
      if (static_cast<int>(records.size()) >= n) break;
      mixer.Mix(gen.Encode(e), &records);
    }
    for (const auto& r : records) EXPECT_TRUE(producer_->Send(topic_, r).ok());
    EXPECT_TRUE(producer_->Flush(30s).ok());
    EXPECT_EQ(producer_->delivered(), producer_->queued());
    return records;
  }

  std::unique_ptr<KafkaSource> OpenSource(OffsetStore* store, size_t max_value_bytes = kDefaultMaxValueBytes) {
    KafkaSourceOptions so;
    so.bootstrap = cluster_->bootstrap();
    so.topic = topic_;
    so.group_id = "test-group";
    so.max_batch_wait = 500ms;
    so.max_batch_records = 1000;
    so.max_value_bytes = max_value_bytes;
    auto source = KafkaSource::Open(so, store);
    EXPECT_TRUE(source.ok()) << source.status();
    return source.ok() ? std::move(*source) : nullptr;
  }

  // Polls until `want` records (Bronze + dead letters) arrived or 30 s passed.
  std::vector<BronzeBatch> PollUntil(KafkaSource& source, int64_t want) {
    std::vector<BronzeBatch> batches;
    int64_t got = 0;
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (got < want && std::chrono::steady_clock::now() < deadline) {
      auto batch = source.PollBatch();
      EXPECT_TRUE(batch.ok()) << batch.status();
      if (!batch.ok()) break;
      got += batch->records->num_rows() + batch->dead_letters->num_rows();
      if (!batch->empty()) batches.push_back(std::move(*batch));
    }
    return batches;
  }

  std::string topic_ = "orders";
  std::unique_ptr<EmbeddedCluster> cluster_;
  std::unique_ptr<Producer> producer_;
};

std::string Bytes(const arrow::BinaryArray& a, int64_t i) {
  return a.IsNull(i) ? std::string() : std::string(a.GetView(i));
}

TEST_F(KafkaSourceTest, RoundTripIsExactAndContiguous) {
  const auto produced = ProduceOrders(3000, 0.05);
  InMemoryOffsetStore store;
  auto source = OpenSource(&store);
  ASSERT_TRUE(source);
  const auto batches = PollUntil(*source, static_cast<int64_t>(produced.size()));

  std::multiset<std::pair<std::string, std::string>> want, got;
  std::map<std::string, int> want_bad, got_bad;
  for (const auto& r : produced) {
    want.emplace(r.key, r.value);
    if (!r.Header(kBadKindHeader).empty()) ++want_bad[std::string(r.Header(kBadKindHeader))];
  }
  std::map<int32_t, std::vector<int64_t>> offsets;
  for (const auto& b : batches) {
    ASSERT_TRUE(b.records->schema()->Equals(*BronzeSchema()));
    EXPECT_EQ(b.dead_letters->num_rows(), 0);
    auto topic = std::static_pointer_cast<arrow::StringArray>(b.records->GetColumnByName("topic"));
    auto part = std::static_pointer_cast<arrow::Int32Array>(b.records->GetColumnByName("partition"));
    auto off = std::static_pointer_cast<arrow::Int64Array>(b.records->GetColumnByName("offset"));
    auto key = std::static_pointer_cast<arrow::BinaryArray>(b.records->GetColumnByName("key"));
    auto value = std::static_pointer_cast<arrow::BinaryArray>(b.records->GetColumnByName("value"));
    auto headers = std::static_pointer_cast<arrow::MapArray>(b.records->GetColumnByName("headers"));
    auto hkeys = std::static_pointer_cast<arrow::StringArray>(headers->keys());
    auto hvalues = std::static_pointer_cast<arrow::BinaryArray>(headers->items());
    auto ts = std::static_pointer_cast<arrow::TimestampArray>(b.records->GetColumnByName("kafka_timestamp"));
    for (int64_t i = 0; i < b.records->num_rows(); ++i) {
      EXPECT_EQ(topic->GetString(i), "orders");
      EXPECT_FALSE(ts->IsNull(i));
      offsets[part->Value(i)].push_back(off->Value(i));
      got.emplace(Bytes(*key, i), Bytes(*value, i));
      for (int64_t h = headers->value_offset(i); h < headers->value_offset(i + 1); ++h) {
        if (hkeys->GetView(h) == kBadKindHeader) ++got_bad[std::string(hvalues->GetView(h))];
      }
    }
    for (const auto& r : b.partitions) {
      EXPECT_LE(r.first_offset, r.last_offset);
      EXPECT_EQ(r.last_offset - r.first_offset + 1, r.records);
    }
  }
  EXPECT_EQ(got.size(), want.size());
  EXPECT_TRUE(got == want) << "values must be byte-identical";
  EXPECT_EQ(got_bad, want_bad);
  EXPECT_FALSE(want_bad.empty());
  EXPECT_EQ(offsets.size(), 6u) << "records spread over all 6 partitions";
  for (const auto& [p, offs] : offsets) {
    for (size_t i = 0; i < offs.size(); ++i) ASSERT_EQ(offs[i], static_cast<int64_t>(i)) << "partition " << p;
  }
  EXPECT_EQ(source->counters().records.load(), static_cast<int64_t>(produced.size()));
  EXPECT_EQ(source->counters().data_loss.load(), 0);
  EXPECT_EQ(source->counters().offset_gaps.load(), 0);
  EXPECT_TRUE(source->Close().ok());
}

TEST_F(KafkaSourceTest, AssignmentSeeksToStoredOffsetPlusOne) {
  const auto produced = ProduceOrders(1200, 0);
  auto probe = GroupLagProbe::Open(cluster_->bootstrap(), "test-group");
  ASSERT_TRUE(probe.ok());
  auto lags = (*probe)->Lag(topic_);
  ASSERT_TRUE(lags.ok()) << lags.status();
  ASSERT_EQ(lags->size(), 6u);
  InMemoryOffsetStore store;
  int64_t skipped = 0;
  for (const auto& l : *lags) {
    ASSERT_EQ(l.committed, -1);
    ASSERT_GT(l.high, 20);
    store.Set(KafkaAppId("test-group", topic_, l.partition), 9);  // offsets 0..9 already in Bronze
    skipped += 10;
  }
  auto source = OpenSource(&store);
  ASSERT_TRUE(source);
  const auto batches = PollUntil(*source, static_cast<int64_t>(produced.size()) - skipped);
  std::map<int32_t, int64_t> first, count;
  for (const auto& b : batches) {
    for (const auto& r : b.partitions) {
      if (!first.count(r.partition)) first[r.partition] = r.first_offset;
      count[r.partition] += r.records;
    }
    ASSERT_TRUE(source->CommitForMonitoring(b).ok());
  }
  ASSERT_EQ(first.size(), 6u);
  for (const auto& [p, f] : first) EXPECT_EQ(f, 10) << "partition " << p;
  int64_t total = 0;
  for (const auto& [p, c] : count) total += c;
  EXPECT_EQ(total, static_cast<int64_t>(produced.size()) - skipped);
  // Kafka's committed offsets follow for monitoring: lag drains to zero.
  int64_t max_lag = -1;
  for (int i = 0; i < 50 && max_lag != 0; ++i) {
    source->PollBatch();  // serves the async commit callbacks
    auto m = (*probe)->MaxLag(topic_);
    ASSERT_TRUE(m.ok());
    max_lag = *m;
  }
  EXPECT_EQ(max_lag, 0);
}

TEST_F(KafkaSourceTest, OversizedValuesBecomeDeadLetters) {
  KafkaRecord big;
  big.key = "P00001";
  big.value = std::string(5000, 'z');
  big.headers.emplace_back(kBadKindHeader, "oversized_message");
  KafkaRecord small{"P00001", "{}", {}, 0};
  ASSERT_TRUE(producer_->Send(topic_, small).ok());
  ASSERT_TRUE(producer_->Send(topic_, big).ok());
  ASSERT_TRUE(producer_->Send(topic_, small).ok());
  ASSERT_TRUE(producer_->Flush(10s).ok());
  InMemoryOffsetStore store;
  auto source = OpenSource(&store, /*max_value_bytes=*/1000);
  ASSERT_TRUE(source);
  const auto batches = PollUntil(*source, 3);
  int64_t bronze = 0, dead = 0;
  for (const auto& b : batches) {
    bronze += b.records->num_rows();
    dead += b.dead_letters->num_rows();
    if (b.dead_letters->num_rows() == 1) {
      ASSERT_TRUE(b.dead_letters->schema()->Equals(*DeadLetterSchema()));
      auto off = std::static_pointer_cast<arrow::Int64Array>(b.dead_letters->GetColumnByName("offset"));
      auto size = std::static_pointer_cast<arrow::Int64Array>(b.dead_letters->GetColumnByName("value_size"));
      auto reason = std::static_pointer_cast<arrow::StringArray>(b.dead_letters->GetColumnByName("reason"));
      EXPECT_EQ(off->Value(0), 1);
      EXPECT_EQ(size->Value(0), 5000);
      EXPECT_NE(reason->GetString(0).find("exceeds the ingest limit"), std::string::npos);
      // The partition range covers the dead letter, so the txn version moves past it.
      ASSERT_EQ(b.partitions.size(), 1u);
      EXPECT_EQ(b.partitions[0].last_offset, 2);
    }
  }
  EXPECT_EQ(bronze, 2);
  EXPECT_EQ(dead, 1);
  EXPECT_EQ(source->counters().dead_letters.load(), 1);
}

TEST_F(KafkaSourceTest, OffsetBelowLowWatermarkIsDataLoss) {
  // The mock cluster's bounded log drops its oldest segments: push large
  // records into one partition until its low watermark moves.
  ASSERT_EQ(rd_kafka_mock_topic_create(cluster_->mock(), "small", 1, 1), RD_KAFKA_RESP_ERR_NO_ERROR);
  topic_ = "small";
  auto probe = GroupLagProbe::Open(cluster_->bootstrap(), "test-group");
  ASSERT_TRUE(probe.ok());
  // Incompressible, or lz4 makes the batches tiny.
  std::mt19937_64 rng(1);
  std::string noise(256 * 1024, '\0');
  for (auto& c : noise) c = static_cast<char>(rng());
  KafkaRecord r{"k", noise, {}, 0};
  int64_t low = 0;
  for (int round = 0; round < 100 && low == 0; ++round) {
    for (int i = 0; i < 10; ++i) ASSERT_TRUE(producer_->Send(topic_, r).ok());
    ASSERT_TRUE(producer_->Flush(30s).ok());
    auto lags = (*probe)->Lag(topic_);
    ASSERT_TRUE(lags.ok()) << lags.status();
    low = (*lags)[0].low;
  }
  ASSERT_GT(low, 0) << "the mock log never dropped a segment";
  InMemoryOffsetStore store;
  store.Set(KafkaAppId("test-group", topic_, 0), 0);  // Bronze holds offset 0; 1.. are gone
  auto source = OpenSource(&store);
  ASSERT_TRUE(source);
  Status st;
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (st.ok() && std::chrono::steady_clock::now() < deadline) {
    auto batch = source->PollBatch();
    if (!batch.ok()) st = batch.status();
    else ASSERT_TRUE(batch->empty()) << "records after a gap must not be returned";
  }
  EXPECT_EQ(st.code(), StatusCode::kDataLoss) << st;
  EXPECT_NE(st.message().find("small [0]"), std::string::npos) << st;
  EXPECT_EQ(source->counters().data_loss.load(), 1);
}

TEST_F(KafkaSourceTest, FirstStartReadsFromTheBeginning) {
  const auto produced = ProduceOrders(300, 0);
  InMemoryOffsetStore store;
  auto source = OpenSource(&store);
  ASSERT_TRUE(source);
  const auto batches = PollUntil(*source, static_cast<int64_t>(produced.size()));
  int64_t n = 0;
  for (const auto& b : batches) n += b.records->num_rows();
  EXPECT_EQ(n, static_cast<int64_t>(produced.size()));
  EXPECT_EQ(source->assignment().size(), 6u);
  EXPECT_GE(source->generation(), 1);
}

TEST_F(KafkaSourceTest, ReturnAtEndHandsOverEverythingOnceEveryPartitionIsRead) {
  const auto produced = ProduceOrders(600, 0);
  InMemoryOffsetStore store;
  KafkaSourceOptions so;
  so.bootstrap = cluster_->bootstrap();
  so.topic = topic_;
  so.group_id = "test-group";
  // Far beyond the test's run time: only reaching the end of every
  // partition can end the first poll (a regression hangs until ctest's
  // timeout instead of passing).
  so.max_batch_wait = 10min;
  so.return_at_end = true;
  auto source = KafkaSource::Open(so, &store);
  ASSERT_TRUE(source.ok()) << source.status();
  auto first = (*source)->PollBatch();
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->records->num_rows(), static_cast<int64_t>(produced.size()));
  ASSERT_EQ(first->partitions.size(), 6u);
  for (const auto& r : first->partitions) EXPECT_EQ(r.first_offset, 0) << "partition " << r.partition;
  auto next = (*source)->PollBatch();
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_TRUE(next->empty());
  // Records that arrive later are still read: at its end, a poll returns
  // at once rather than waiting, and the caller polls again.
  const auto more = ProduceOrders(50, 0);
  int64_t got = 0;
  for (const auto& b : PollUntil(**source, static_cast<int64_t>(more.size()))) {
    got += b.records->num_rows();
    for (const auto& r : b.partitions) EXPECT_GT(r.first_offset, 0) << "partition " << r.partition;
  }
  EXPECT_EQ(got, static_cast<int64_t>(more.size()));
}

}  // namespace
}  // namespace medallion::ingest

namespace medallion::ingest {
namespace {

// Limits that could never close a batch (or overflow a batch's value
// column), and a cooperative assignment strategy ingest's eager rebalance
// handling cannot follow, are refused before anything connects.
TEST(KafkaSourceOptionsTest, RefusesBatchLimitsAndStrategiesItCannotHonour) {
  InMemoryOffsetStore store;
  auto open = [&](auto change) {
    KafkaSourceOptions so;
    so.bootstrap = "127.0.0.1:1";
    so.topic = "orders";
    change(so);
    return KafkaSource::Open(so, &store).status();
  };
  const std::vector<std::pair<std::string, Status>> refused = {
      {"no records", open([](KafkaSourceOptions& o) { o.max_batch_records = 0; })},
      {"no bytes", open([](KafkaSourceOptions& o) { o.max_batch_bytes = 0; })},
      {"2 GiB", open([](KafkaSourceOptions& o) { o.max_batch_bytes = int64_t{2} << 30; })},
      {"no wait", open([](KafkaSourceOptions& o) { o.max_batch_wait = std::chrono::milliseconds(0); })},
      {"cooperative", open([](KafkaSourceOptions& o) {
         o.extra["partition.assignment.strategy"] = "cooperative-sticky";
       })},
      {"too many records", open([](KafkaSourceOptions& o) { o.max_batch_records = kMaxBatchRecords + 1; })},
      {"no partition end events", open([](KafkaSourceOptions& o) { o.extra["enable.partition.eof"] = "false"; })},
  };
  for (const auto& [what, st] : refused) {
    SCOPED_TRACE(what);
    EXPECT_TRUE(st.IsInvalidArgument()) << st;
  }
  EXPECT_NE(refused[2].second.message().find("1024 MiB"), std::string::npos) << refused[2].second;
  EXPECT_NE(refused[4].second.message().find("cooperative-sticky"), std::string::npos) << refused[4].second;
}

}  // namespace
}  // namespace medallion::ingest
