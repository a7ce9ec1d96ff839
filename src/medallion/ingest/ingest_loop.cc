#include "medallion/ingest/ingest_loop.h"

#include <arrow/api.h>
#include <spdlog/spdlog.h>

#include <chrono>

namespace medallion::ingest {

namespace {

bool Drained(const KafkaSource& source) {
  if (source.assignment().empty()) return false;  // not joined yet
  const auto lags = source.Lag();
  if (lags.size() != source.assignment().size()) return false;
  for (const auto& l : lags) {
    // committed holds the consumer position here; -1 before the first fetch.
    if (l.committed < 0 ? l.high > l.low : l.committed < l.high) return false;
  }
  return true;
}

}  // namespace

Status RunIngestLoop(KafkaSource& source, BronzeSink& sink, const IngestLoopOptions& options,
                     const std::atomic<bool>& stop, const std::function<void(const IngestProgress&)>& progress) {
  const auto start = std::chrono::steady_clock::now();
  IngestProgress p;
  int idle = 0;
  while (!stop.load()) {
    if (options.max_seconds > 0 &&
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() >= options.max_seconds) {
      break;
    }
    MEDALLION_ASSIGN_OR_RETURN(BronzeBatch batch, source.PollBatch());
    if (batch.empty()) {
      if (options.until_idle && Drained(source) && ++idle >= options.idle_polls) break;
      continue;
    }
    idle = 0;
    const Status written = sink.Write(batch);
    if (written.IsConflict()) {
      // Another member owns these partitions now and wrote them; ours is
      // stale. The rebalance that told it so will reach us on the next poll.
      ++p.conflicts;
      spdlog::warn("dropped a batch another group member already wrote: {}", written.message());
      continue;
    }
    MEDALLION_RETURN_IF_ERROR(written);
    ++p.batches;
    p.records += batch.records->num_rows();
    p.dead_letters += batch.dead_letters->num_rows();
    if (const Status st = source.CommitForMonitoring(batch); !st.ok()) {
      spdlog::warn("{}", st.message());  // monitoring only; the data is safe
    }
    if (progress) progress(p);
  }
  return Status::OK();
}

}  // namespace medallion::ingest
