// Counters of the Kafka source, read by the metrics endpoint while ingest
// runs (hence atomics; each is only ever incremented).
#pragma once

#include <atomic>
#include <cstdint>

namespace medallion::ingest {

struct IngestCounters {
  std::atomic<int64_t> records{0};           // records put into batches (Bronze + dead letters)
  std::atomic<int64_t> bytes{0};             // key + value + header bytes of those
  std::atomic<int64_t> batches{0};           // non-empty batches returned
  std::atomic<int64_t> dead_letters{0};
  std::atomic<int64_t> rebalances{0};        // assignments and revocations
  std::atomic<int64_t> assigned_partitions{0};
  std::atomic<int64_t> dropped_on_revoke{0}; // polled, not yet returned, partition taken away
  std::atomic<int64_t> dropped_on_rewind{0}; // polled past a refused batch, read again from Bronze's offsets
  std::atomic<int64_t> redelivered{0};       // delivered again below the next expected offset, skipped
  std::atomic<int64_t> data_loss{0};         // offsets that fell out of the log before ingest read them
  std::atomic<int64_t> offset_gaps{0};       // non-contiguous offsets (compaction or transaction markers)
  std::atomic<int64_t> consumer_errors{0};   // transient client errors (retried by librdkafka)
  std::atomic<int64_t> unreadable{0};        // offsets of record batches Kafka cannot decode (dead-lettered)
};

}  // namespace medallion::ingest
