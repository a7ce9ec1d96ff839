// One `medallion ingest` inside the demo process: a thread running the
// ingest loop from a Kafka topic into bronze/<topic>, exactly once (the
// offsets live in the Bronze table's txn actions, as in the standalone
// command). Stop() lets the batch in hand commit, then leaves the group.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "medallion/common/result.h"
#include "medallion/delta/table.h"
#include "medallion/ingest/delta_bronze.h"
#include "medallion/ingest/ingest_loop.h"
#include "medallion/ingest/kafka_source.h"

namespace medallion::cli {

class IngestWorker {
 public:
  static Result<std::unique_ptr<IngestWorker>> Start(const std::string& bootstrap, const std::string& group,
                                                     const std::string& lake, const std::string& topic);
  ~IngestWorker();

  // Idempotent. Returns the loop's outcome.
  Status Stop();

  const std::string& topic() const { return topic_; }
  int64_t records() const { return records_.load(); }
  bool failed() const { return done_.load() && !Outcome().ok(); }
  Status Outcome() const;

 private:
  IngestWorker() = default;
  void Run();

  std::string topic_;
  std::shared_ptr<delta::Table> bronze_, dead_letters_;
  std::unique_ptr<ingest::DeltaOffsetStore> offsets_;
  std::unique_ptr<ingest::DeltaBronzeSink> sink_;
  std::unique_ptr<ingest::KafkaSource> source_;
  std::atomic<bool> stop_{false}, done_{false};
  std::atomic<int64_t> records_{0};
  mutable std::mutex mu_;
  Status outcome_;
  std::thread thread_;
};

}  // namespace medallion::cli
