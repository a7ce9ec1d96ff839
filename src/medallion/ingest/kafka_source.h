// The Kafka side of Bronze ingest: a consumer-group member that turns polled
// records into Arrow batches of the Bronze shape, positioned by an
// OffsetStore (the Delta log) rather than by Kafka's committed offsets.
//
// Exactly once, the Kafka half: on every assignment each partition is
// sought to OffsetStore::LastWritten(appId) + 1 (or the log start if never
// written). The writer commits a batch together with txn{appId, last offset}
// and re-checks the txn versions before committing, so a member that lost
// its partitions in a rebalance cannot write them twice. Records polled but
// not yet returned when a partition is revoked are dropped: the new owner
// re-reads them from the same stored offsets.
//
// Data loss is never skipped over: an offset to resume from that is below
// the partition's low watermark (retention, or the embedded cluster's
// bounded log), or an offset-out-of-range while fetching, makes PollBatch
// return DataLoss and counts it.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "medallion/common/result.h"
#include "medallion/ingest/bronze_schema.h"
#include "medallion/ingest/ingest_counters.h"
#include "medallion/ingest/kafka_client.h"
#include "medallion/ingest/offset_store.h"
#include "medallion/ingest/producer.h"
#include "medallion/ingest/unreadable_range.h"

namespace arrow {
class RecordBatch;
}

namespace medallion::ingest {

inline constexpr int64_t kMaxBatchBytes = int64_t{1} << 30;
// Every row repeats the topic name (at most 249 bytes) in a 32-bit-offset
// column too.
inline constexpr int64_t kMaxBatchRecords = 5'000'000;

struct KafkaSourceOptions {
  std::string bootstrap;
  std::string group_id = "medallion-ingest";
  std::string topic;
  // A batch is returned when any limit is reached. Bytes at most
  // kMaxBatchBytes: a batch's values are one Arrow binary column (32-bit
  // offsets).
  int64_t max_batch_records = 50'000;
  int64_t max_batch_bytes = int64_t{128} << 20;
  std::chrono::milliseconds max_batch_wait{1000};
  // Return the batch as soon as every assigned partition has been read to
  // its end instead of waiting out max_batch_wait: for --until-idle, where
  // nothing more is expected and waiting only delays the exit.
  bool return_at_end = false;
  size_t max_value_bytes = kDefaultMaxValueBytes;  // larger values become dead letters
  // Nice value for librdkafka's fetch threads (0: unchanged). They prefetch
  // ahead of the reader; when the cores are short, the threads that turn
  // records into committed Bronze files should get them first.
  int fetch_thread_nice = 0;
  KafkaConfig extra;                               // any librdkafka setting, applied last
};

// The offsets one batch covers in one partition (dead letters included):
// the writer records last_offset as the partition's txn version.
struct PartitionRange {
  int32_t partition = 0;
  int64_t first_offset = 0;
  int64_t last_offset = 0;
  int64_t records = 0;
};

struct BronzeBatch {
  std::shared_ptr<arrow::RecordBatch> records;       // BronzeSchema(); never null
  std::shared_ptr<arrow::RecordBatch> dead_letters;  // DeadLetterSchema(); never null
  std::vector<PartitionRange> partitions;            // sorted by partition
  int64_t generation = 0;  // assignment generation the records were polled under
  bool empty() const { return partitions.empty(); }
};

class KafkaSource {
 public:
  // Creates the consumer and subscribes; partitions arrive with the first
  // PollBatch calls (joining a group takes a few seconds).
  static Result<std::unique_ptr<KafkaSource>> Open(KafkaSourceOptions options, OffsetStore* offsets);
  ~KafkaSource();

  // Polls until a limit is reached. May return an empty batch (nothing
  // arrived within max_batch_wait).
  Result<BronzeBatch> PollBatch();

  // Commits last_offset + 1 per partition to Kafka, asynchronously, so
  // kafka-consumer-groups and GroupLagProbe see the progress. Not used for
  // positioning.
  Status CommitForMonitoring(const BronzeBatch& batch);

  // Reads every assigned partition again from what Bronze holds (its txn +
  // 1), dropping the records taken past it. After a batch was refused, the
  // batches read behind it would leave a gap; this puts the member back
  // where a fresh assignment would (a refused batch of our own that did
  // commit, e.g. an S3 reply lost, is found in the log and not re-read).
  Status RewindToStored();

  // Leaves the group (revoking partitions); further polls fail.
  Status Close();

  std::vector<int32_t> assignment() const;
  int64_t generation() const { return generation_; }
  const IngestCounters& counters() const { return counters_; }
  const KafkaSourceOptions& options() const { return options_; }

  // Per assigned partition: consumer position (in `committed`, -1 before the
  // first record) vs the watermarks cached from fetches. Partitions not yet
  // fetched are left out.
  std::vector<PartitionLag> Lag() const;

  // Called on the polling thread at the start of every assignment and
  // revocation, before a partition is released or its stored offset read.
  // A loop that writes batches on another thread waits there for the write
  // in flight, so a partition changes owner only once its polled records
  // are committed (or rejected).
  void SetRebalanceBarrier(std::function<void()> barrier) { rebalance_barrier_ = std::move(barrier); }

 private:
  KafkaSource() = default;
  static void OnRebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts,
                          void* opaque);
  void Assign(rd_kafka_topic_partition_list_t* parts);
  void Revoke(rd_kafka_topic_partition_list_t* parts);
  // Destroys the records taken from librdkafka but not yet built into a
  // batch that `which` selects; returns how many.
  int64_t DropTaken(const std::function<bool(const rd_kafka_message_t*)>& which);
  // Forgets where each partition was read up to (and any search for an
  // unreadable batch): the next positions come from the offset store.
  void ForgetPositions();
  void NoteError(Status st);
  void LearnPartitionLeaders();
  Result<BronzeBatch> Build(std::vector<rd_kafka_message_t*>& messages);
  // The next record or event queued for this consumer without waiting, or
  // null. Taken from librdkafka in chunks: one queue lock and clock read per
  // chunk instead of per record.
  rd_kafka_message_t* NextQueued();
  bool AllAtEnd() const { return !assigned_.empty() && at_end_.size() == assigned_.size(); }
  // The offset after the last record of partition `p` taken (built or
  // pending), or -1.
  int64_t NextToTake(int32_t p) const;
  // A batch librdkafka cannot decode at partition `p` (see unreadable_range.h):
  // starts or advances the search for its end; true once it is settled and
  // its offsets wait in unreadable_ranges_ for the batch being built.
  Result<bool> OnUnreadable(int32_t p, rd_kafka_resp_err_t err, int64_t base, const std::string& reason);
  // What the fetch from the outstanding probe of `p` gave (something
  // readable: true; the same batch: false); true when settled.
  Result<bool> OnProbeAnswer(int32_t p, bool read);
  // librdkafka delivered `next` of `p`, past the failing batch, before a
  // probe: the offsets it skipped are the batch's.
  Result<bool> SettleSkipped(int32_t p, int64_t next);
  // Seeks `p` to `offset`, dropping what was taken from it past `offset`.
  Status SeekPartition(int32_t p, int64_t offset);
  // SeekPartition; a failure (a leader moving) is retried on the next polls,
  // and what `p` delivers meanwhile is ignored.
  void SeekOrRetry(int32_t p, int64_t offset, int failures = 0);
  Status RetrySeeks();
  // Every assigned partition read up to the high watermark its last fetch
  // returned. librdkafka reports EOF only after one more fetch, which the
  // broker holds for fetch.wait.max.ms: --until-idle would wait that out.
  bool ReachedHighWatermarks() const;

  KafkaSourceOptions options_;
  OffsetStore* offsets_ = nullptr;
  KafkaHandle rk_;
  bool closed_ = false;
  int64_t generation_ = 0;
  std::vector<int32_t> assigned_;
  std::map<int32_t, int64_t> next_expected_;  // per partition, for gap detection
  std::set<int32_t> at_end_;                   // assigned partitions read to their end (EOF), nothing since
  std::function<void()> rebalance_barrier_;
  struct QueueDeleter {
    void operator()(rd_kafka_queue_t* q) const { rd_kafka_queue_destroy(q); }
  };
  std::unique_ptr<rd_kafka_queue_t, QueueDeleter> queue_;  // after rk_: released before it
  std::vector<rd_kafka_message_t*> queued_;  // taken from librdkafka, not yet polled: [queued_next_, end)
  size_t queued_next_ = 0;
  std::vector<rd_kafka_message_t*> pending_;  // polled in the current PollBatch
  std::map<int32_t, UnreadableRange> unreadable_;  // partitions stuck at a batch that cannot be decoded
  struct SeekRetry {
    int64_t offset = 0;
    int failures = 0;
    Status last_error;
  };
  std::map<int32_t, SeekRetry> seek_retries_;  // seeks that failed, to make again
  std::vector<std::pair<int32_t, UnreadableRange>> unreadable_ranges_;  // settled, for the batch being built
  Status pending_error_;
  IngestCounters counters_;
};

}  // namespace medallion::ingest
