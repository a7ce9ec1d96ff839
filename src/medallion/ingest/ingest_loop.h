// The loop behind `medallion ingest`: poll a batch, hand it to the Bronze
// writer, commit Kafka offsets for monitoring, repeat. The writer is behind
// BronzeSink so this loop is the same for Delta and for tests.
//
// A batch is written on a second thread while the next one is polled, so
// reading never waits for Parquet encoding or the commit. One write at a
// time, in poll order; a rebalance waits for the write in flight (see
// KafkaSource::SetRebalanceBarrier), so the txn rule still sees every
// partition's batches in order and from one owner at a time.
#pragma once

#include <atomic>
#include <functional>

#include "medallion/common/status.h"
#include "medallion/ingest/kafka_source.h"

namespace medallion::ingest {

// What a Bronze writer does with a batch (on the Delta engine: one commit
// with the add actions of `records` plus txn{KafkaAppId(group, topic, p),
// last_offset} for every partition range; dead letters go to their own
// table with the same txn rule).
class BronzeSink {
 public:
  virtual ~BronzeSink() = default;
  // All or nothing. Returns Conflict, writing nothing, when the log's txn
  // version of any partition is already >= its range's first_offset: a
  // member that lost the partition in a rebalance (a zombie) is trying to
  // write what the new owner wrote.
  virtual Status Write(const BronzeBatch& batch) = 0;
};

struct IngestLoopOptions {
  // Stop once the assigned partitions are drained (for batch use and tests):
  // this many consecutive empty polls with no lag.
  bool until_idle = false;
  int idle_polls = 2;
  double max_seconds = 0;  // 0: no limit
};

struct IngestProgress {
  int64_t batches = 0;
  int64_t records = 0;
  int64_t dead_letters = 0;
  int64_t conflicts = 0;  // batches dropped because another member wrote them
  // CPU time of the writing thread(s): Parquet encoding and Delta commits.
  // With the polling thread's own, it tells where ingest's CPU goes.
  double writer_cpu_seconds = 0;
};

// CPU time the calling thread has used so far.
double ThreadCpuSeconds();

// Runs until `stop`, idle (if asked), the time limit, or an error (DataLoss
// among them); the write in flight is finished before it returns.
// `progress` is called, on the calling thread, after every written batch.
// BronzeSink::Write is called on another thread (never two at once).
Status RunIngestLoop(KafkaSource& source, BronzeSink& sink, const IngestLoopOptions& options,
                     const std::atomic<bool>& stop, const std::function<void(const IngestProgress&)>& progress = {});

}  // namespace medallion::ingest
