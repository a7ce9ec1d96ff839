#include "medallion/ingest/delta_bronze.h"

#include <arrow/api.h>
#include <gtest/gtest.h>

#include <set>

#include "medallion/delta/table.h"
#include "medallion/ingest/bronze_schema.h"
#include "medallion/ingest/bronze_test_support.h"
#include "medallion/ingest/embedded_cluster.h"
#include "medallion/ingest/producer.h"

namespace medallion::ingest {
namespace {

using namespace std::chrono_literals;

TEST(DeltaBronzeTest, KafkaToBronzeExactlyOnceAcrossARestart) {
  testing::TempBronze lake("bronze");
  auto cluster = EmbeddedCluster::Start();
  ASSERT_TRUE(cluster.ok());
  ASSERT_TRUE((*cluster)->CreateTopic("orders").ok());
  auto producer = Producer::Open({.bootstrap = (*cluster)->bootstrap()});
  ASSERT_TRUE(producer.ok());
  auto produce = [&](int from, int n) {
    for (int i = from; i < from + n; ++i) {
      ASSERT_TRUE((*producer)->Send("orders", {"k" + std::to_string(i % 31), "v" + std::to_string(i), {}, 0}).ok());
    }
    ASSERT_TRUE((*producer)->Flush(10s).ok());
  };
  auto run_once = [&] {
    lake.Reopen();  // as a new process would
    DeltaOffsetStore offsets(lake.bronze);
    DeltaBronzeSink sink(lake.bronze, lake.dead, &offsets, "g", "orders");
    auto source = KafkaSource::Open({.bootstrap = (*cluster)->bootstrap(), .group_id = "g", .topic = "orders",
                                     .max_batch_records = 300, .max_batch_wait = 300ms,
                                     .extra = {{"session.timeout.ms", "3000"}}},
                                    &offsets);
    ASSERT_TRUE(source.ok());
    std::atomic<bool> stop{false};
    const Status st = RunIngestLoop(**source, sink, {.until_idle = true}, stop);
    ASSERT_TRUE(st.ok()) << st;
    ASSERT_TRUE((*source)->Close().ok());
  };
  produce(0, 1000);
  run_once();
  produce(1000, 700);
  run_once();

  auto bronze = delta::Table::Open((lake.dir / "bronze").string());
  ASSERT_TRUE(bronze.ok());
  auto snapshot = (*bronze)->Refresh();
  ASSERT_TRUE(snapshot.ok());
  EXPECT_EQ((*snapshot)->num_rows(), 1700);
  int64_t txn_total = 0;
  for (int p = 0; p < 6; ++p) {
    const auto v = (*snapshot)->TxnVersion(KafkaAppId("g", "orders", p));
    ASSERT_TRUE(v.has_value()) << "partition " << p;
    txn_total += *v + 1;  // offsets start at 0 and are contiguous
  }
  EXPECT_EQ(txn_total, 1700);

  // A zombie: a member that still believes partition 0 was never written.
  DeltaOffsetStore stale(*bronze);
  DeltaBronzeSink zombie(*bronze, nullptr, &stale, "g", "orders");
  BronzeBatchBuilder rows;
  RecordView view;
  view.topic = "orders";
  view.value = "v0";
  view.value_len = 2;
  ASSERT_TRUE(rows.Append(view).ok());
  BronzeBatch batch;
  batch.records = *rows.Finish(0);
  batch.dead_letters = *DeadLetterBuilder().Finish(0);
  batch.partitions = {{0, 0, 0, 1}};
  const Status st = zombie.Write(batch);
  EXPECT_TRUE(st.IsConflict()) << st;
  auto after = (*bronze)->Refresh();
  ASSERT_TRUE(after.ok());
  EXPECT_EQ((*after)->num_rows(), 1700) << "the stale batch wrote nothing";

  // A batch of this member that skips past what Bronze holds (one before it
  // was refused) is refused too, even though the log's txn is the expected one.
  DeltaOffsetStore current(*bronze);
  const auto last = current.LastWritten(KafkaAppId("g", "orders", 0));
  ASSERT_TRUE(last.ok() && last->has_value());
  DeltaBronzeSink member(*bronze, nullptr, &current, "g", "orders");
  batch.partitions = {{0, **last + 10, **last + 10, 1}};
  const Status gap = member.Write(batch);
  EXPECT_TRUE(gap.IsConflict()) << gap;
  EXPECT_NE(gap.message().find("Bronze holds offsets up to"), std::string::npos) << gap;
  EXPECT_EQ((*bronze)->Refresh().value()->num_rows(), 1700) << "the batch after a gap wrote nothing";
}

// A batch of partition 0 covering [first, last] with the offsets in
// `dead` as dead letters and the rest as Bronze rows.
BronzeBatch BatchOf(int64_t first, int64_t last, const std::set<int64_t>& dead) {
  BronzeBatchBuilder rows;
  DeadLetterBuilder letters;
  for (int64_t offset = first; offset <= last; ++offset) {
    RecordView view;
    view.topic = "orders";
    view.partition = 0;
    view.offset = offset;
    view.value = "v";
    view.value_len = 1;
    EXPECT_TRUE((dead.count(offset) ? letters.Append(view, "too big") : rows.Append(view)).ok());
  }
  BronzeBatch batch;
  batch.records = *rows.Finish(0);
  batch.dead_letters = *letters.Finish(0);
  batch.partitions = {{0, first, last, last - first + 1}};
  return batch;
}

TEST(DeltaBronzeTest, DeadLettersOfABatchReadAgainWithOtherBoundsAreWrittenOnce) {
  testing::TempBronze lake("dead");
  const auto& bronze = lake.bronze;
  const auto& dead = lake.dead;
  {
    // A first run wrote the dead letters of offsets 0..10, then its Bronze
    // commit was refused (another member wrote offset 0 first).
    DeltaOffsetStore offsets(bronze);
    DeltaBronzeSink sink(bronze, dead, &offsets, "g", "orders");
    DeltaOffsetStore other_offsets(bronze);
    DeltaBronzeSink other(bronze, nullptr, &other_offsets, "g", "orders");
    ASSERT_TRUE(other_offsets.LastWritten(KafkaAppId("g", "orders", 0)).ok());
    ASSERT_TRUE(offsets.LastWritten(KafkaAppId("g", "orders", 0)).ok());
    ASSERT_TRUE(other.Write(BatchOf(0, 0, {})).ok());
    EXPECT_TRUE(sink.Write(BatchOf(0, 10, {5, 8})).IsConflict());
  }
  // Read again from Bronze's offsets with other bounds: 1..12.
  DeltaOffsetStore offsets(bronze);
  ASSERT_TRUE(offsets.LastWritten(KafkaAppId("g", "orders", 0)).ok());
  DeltaBronzeSink sink(bronze, dead, &offsets, "g", "orders");
  ASSERT_TRUE(sink.Write(BatchOf(1, 12, {5, 8, 11})).ok());
  auto letters = dead->Refresh();
  ASSERT_TRUE(letters.ok());
  EXPECT_EQ((*letters)->num_rows(), 3) << "5 and 8 once, 11 added";
  EXPECT_EQ((*letters)->TxnVersion(KafkaAppId("g", "orders", 0)), 12);
  EXPECT_EQ(bronze->Refresh().value()->num_rows(), 1 + 12 - 3);
}

}  // namespace
}  // namespace medallion::ingest
