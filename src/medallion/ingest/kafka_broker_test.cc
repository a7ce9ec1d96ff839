// Producer and KafkaSource against a real Apache Kafka broker. Skipped
// unless MEDALLION_KAFKA_BOOTSTRAP names one; tests/integration/kafka starts
// a broker with scripts/kafka and runs these with it set.
#include <arrow/api.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <map>
#include <set>

#include "medallion/delta/table.h"
#include "medallion/ingest/bad_records.h"
#include "medallion/ingest/bronze_test_support.h"
#include "medallion/ingest/delta_bronze.h"
#include "medallion/ingest/ingest_loop.h"
#include "medallion/ingest/kafka_client.h"
#include "medallion/ingest/calendar.h"
#include "medallion/ingest/kafka_source.h"
#include "medallion/ingest/orders_generator.h"
#include "medallion/ingest/producer.h"

namespace medallion::ingest {
namespace {

using namespace std::chrono_literals;

std::string BrokerOrSkip() {
  const char* b = std::getenv("MEDALLION_KAFKA_BOOTSTRAP");
  return b ? b : "";
}

TEST(RealBrokerTest, RoundTripWithBadRecordsAndDeadLetters) {
  const std::string bootstrap = BrokerOrSkip();
  if (bootstrap.empty()) GTEST_SKIP() << "MEDALLION_KAFKA_BOOTSTRAP not set";
  const std::string topic = "orders-it-" + std::to_string(NowMillis());
  const int want_good = std::atoi(std::getenv("MEDALLION_KAFKA_TEST_RECORDS") ? std::getenv("MEDALLION_KAFKA_TEST_RECORDS")
                                                                               : "5000");

  auto producer = Producer::Open({.bootstrap = bootstrap, .compression = "zstd"});
  ASSERT_TRUE(producer.ok()) << producer.status();
  OrdersGenerator gen({.num_products = 50, .num_customers = 2000, .total_daily_units = 50'000,
                       .history_end = DaysFromCivil(2025, 6, 2)});
  BadRecordMixer mixer({.fraction = 0.05, .heavy_every = 100});
  std::vector<KafkaRecord> records;
  for (int32_t d = DaysFromCivil(2025, 6, 1); static_cast<int>(records.size()) < want_good; ++d) {
    for (const auto& e : gen.Day(d)) {
      mixer.Mix(gen.Encode(e), &records);
      if (static_cast<int>(records.size()) >= want_good) break;
    }
  }
  for (const auto& r : records) ASSERT_TRUE((*producer)->Send(topic, r).ok());
  const Status flushed = (*producer)->Flush(60s);
  ASSERT_TRUE(flushed.ok()) << flushed;
  ASSERT_EQ((*producer)->delivered(), static_cast<int64_t>(records.size()));

  InMemoryOffsetStore store;
  auto source = KafkaSource::Open({.bootstrap = bootstrap, .group_id = "it-" + topic, .topic = topic,
                                   .max_batch_wait = 500ms},
                                  &store);
  ASSERT_TRUE(source.ok()) << source.status();
  std::multiset<std::string> want, got;
  int64_t oversized = 0;
  for (const auto& r : records) {
    if (r.value.size() > kDefaultMaxValueBytes) ++oversized;
    else want.insert(r.key + '\0' + r.value);
  }
  ASSERT_GT(oversized, 0);
  std::map<int32_t, int64_t> next;
  int64_t dead = 0;
  const auto deadline = std::chrono::steady_clock::now() + 120s;
  while (static_cast<int64_t>(got.size()) + dead < static_cast<int64_t>(records.size()) &&
         std::chrono::steady_clock::now() < deadline) {
    auto b = (*source)->PollBatch();
    ASSERT_TRUE(b.ok()) << b.status();
    dead += b->dead_letters->num_rows();
    auto key = std::static_pointer_cast<arrow::BinaryArray>(b->records->GetColumnByName("key"));
    auto value = std::static_pointer_cast<arrow::BinaryArray>(b->records->GetColumnByName("value"));
    for (int64_t i = 0; i < b->records->num_rows(); ++i) {
      got.insert(std::string(key->GetView(i)) + '\0' + std::string(value->GetView(i)));
    }
    for (const auto& r : b->partitions) {
      EXPECT_EQ(r.first_offset, next[r.partition]) << "partition " << r.partition;
      next[r.partition] = r.last_offset + 1;
      store.Set(KafkaAppId("it-" + topic, topic, r.partition), r.last_offset);
    }
    ASSERT_TRUE((*source)->CommitForMonitoring(*b).ok());
  }
  EXPECT_EQ(dead, oversized);
  EXPECT_EQ(got.size(), want.size());
  EXPECT_TRUE(got == want) << "Bronze values must be byte-identical to what was produced";
  EXPECT_EQ(next.size(), 6u);
  EXPECT_EQ((*source)->counters().data_loss.load(), 0);
  EXPECT_EQ((*source)->counters().offset_gaps.load(), 0);
  ASSERT_TRUE((*source)->Close().ok());

  // A restarted member resumes after what the store says was written.
  auto again = KafkaSource::Open({.bootstrap = bootstrap, .group_id = "it-" + topic, .topic = topic,
                                  .max_batch_wait = 500ms},
                                 &store);
  ASSERT_TRUE(again.ok());
  int64_t reread = 0;
  for (int i = 0; i < 10; ++i) {
    auto b = (*again)->PollBatch();
    ASSERT_TRUE(b.ok()) << b.status();
    reread += b->records->num_rows() + b->dead_letters->num_rows();
  }
  EXPECT_EQ(reread, 0);
  EXPECT_EQ((*again)->assignment().size(), 6u);
}

// A transactional producer leaves a commit marker after each transaction:
// an offset with no record. When a marker falls between two Bronze batches,
// the second one starts two offsets after what Bronze holds. That is not a
// gap to refuse (before, ingest refused and re-read that batch forever).
TEST(RealBrokerTest, TransactionMarkersBetweenBatchesAreNotGaps) {
  const std::string bootstrap = BrokerOrSkip();
  if (bootstrap.empty()) GTEST_SKIP() << "MEDALLION_KAFKA_BOOTSTRAP not set";
  const std::string topic = "orders-txn-" + std::to_string(NowMillis());
  auto conf = MakeKafkaConf({{"bootstrap.servers", bootstrap}, {"transactional.id", topic}});
  ASSERT_TRUE(conf.ok()) << conf.status();
  auto producer = NewKafkaHandle(RD_KAFKA_PRODUCER, std::move(*conf));
  ASSERT_TRUE(producer.ok()) << producer.status();
  rd_kafka_t* rk = producer->get();
  auto check = [](rd_kafka_error_t* error) {
    const std::string message = error ? rd_kafka_error_string(error) : "";
    if (error) rd_kafka_error_destroy(error);
    return message;
  };
  ASSERT_EQ(check(rd_kafka_init_transactions(rk, 30000)), "");
  constexpr int kTransactions = 3, kPerTransaction = 10;
  for (int t = 0; t < kTransactions; ++t) {
    ASSERT_EQ(check(rd_kafka_begin_transaction(rk)), "");
    for (int i = 0; i < kPerTransaction; ++i) {
      const std::string value = "t" + std::to_string(t) + "-" + std::to_string(i);
      ASSERT_EQ(rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(0),
                                  RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                                  RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END),
                RD_KAFKA_RESP_ERR_NO_ERROR);
    }
    ASSERT_EQ(check(rd_kafka_commit_transaction(rk, 30000)), "");
  }

  testing::TempBronze lake("txn");
  DeltaOffsetStore offsets(lake.bronze);
  DeltaBronzeSink sink(lake.bronze, lake.dead, &offsets, "g", topic);
  // One Bronze batch per transaction: every batch after the first starts
  // right after a marker.
  auto source = KafkaSource::Open({.bootstrap = bootstrap, .group_id = "g", .topic = topic,
                                   .max_batch_records = kPerTransaction, .max_batch_wait = 500ms},
                                  &offsets);
  ASSERT_TRUE(source.ok()) << source.status();
  std::atomic<bool> stop{false};
  IngestProgress last;
  const Status st = RunIngestLoop(**source, sink, {.until_idle = true, .max_seconds = 60}, stop,
                                  [&](const IngestProgress& p) { last = p; });
  ASSERT_TRUE(st.ok()) << st;
  EXPECT_EQ(last.conflicts, 0);
  EXPECT_EQ(last.records, kTransactions * kPerTransaction);
  auto snapshot = lake.bronze->Refresh();
  ASSERT_TRUE(snapshot.ok());
  EXPECT_EQ((*snapshot)->num_rows(), kTransactions * kPerTransaction);
  // The txn is the last record's offset: 3 transactions of 10 records, each
  // followed by its marker.
  EXPECT_EQ((*snapshot)->TxnVersion(KafkaAppId("g", topic, 0)), kTransactions * (kPerTransaction + 1) - 2);
}

}  // namespace
}  // namespace medallion::ingest
