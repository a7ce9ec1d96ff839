// An idempotent librdkafka producer for the generators, and the lag probe
// that lets it wait for consumers (the embedded cluster's log is bounded:
// producing far ahead of the consumer would silently lose data there).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "medallion/common/result.h"
#include "medallion/ingest/kafka_client.h"
#include "medallion/ingest/kafka_record.h"

namespace medallion::ingest {

struct ProducerOptions {
  std::string bootstrap;
  std::string compression = "lz4";  // none | gzip | snappy | lz4 | zstd
  int linger_ms = 20;
  // Above BadRecordOptions::oversized_bytes so that record reaches ingest.
  int64_t max_message_bytes = 8 << 20;
  KafkaConfig extra;  // any librdkafka setting, applied last
};

class Producer {
 public:
  static Result<std::unique_ptr<Producer>> Open(ProducerOptions options);

  // Queues one record (CreateTime = now). Blocks while the local queue is
  // full. A record the client rejects outright (too large) is an error.
  Status Send(const std::string& topic, const KafkaRecord& record);

  // Waits until every queued record is acknowledged or failed; returns the
  // first delivery failure, if any.
  Status Flush(std::chrono::milliseconds timeout);

  // Serves delivery reports; call now and then when not sending.
  void Poll(int timeout_ms = 0);

  int64_t queued() const { return queued_.load(); }
  int64_t delivered() const { return delivered_.load(); }
  int64_t failed() const { return failed_.load(); }
  int64_t delivered_bytes() const { return delivered_bytes_.load(); }
  int64_t in_flight() const;

  rd_kafka_t* handle() const { return rk_.get(); }

 private:
  Producer() = default;
  static void OnDelivery(rd_kafka_t* rk, const rd_kafka_message_t* msg, void* opaque);

  KafkaHandle rk_;
  std::atomic<int64_t> queued_{0}, delivered_{0}, failed_{0}, delivered_bytes_{0};
  std::mutex mu_;
  Status first_error_;
};

struct PartitionLag {
  int32_t partition = 0;
  int64_t low = 0;        // low watermark: first offset still in the log
  int64_t high = 0;       // high watermark: next offset to be written
  int64_t committed = -1; // group's committed offset, -1 if none
  int64_t lag() const { return high - (committed >= 0 ? committed : low); }
};

// Asks how far a consumer group is behind on a topic.
class LagProbe {
 public:
  virtual ~LagProbe() = default;
  virtual Result<std::vector<PartitionLag>> Lag(const std::string& topic) = 0;
  // Largest lag over the topic's partitions.
  Result<int64_t> MaxLag(const std::string& topic);
};

// Lag of a group from Kafka's committed offsets (which ingest keeps for
// monitoring) and the partitions' watermarks. Never joins the group.
class GroupLagProbe : public LagProbe {
 public:
  static Result<std::unique_ptr<GroupLagProbe>> Open(const std::string& bootstrap, const std::string& group,
                                                     KafkaConfig extra = {});
  Result<std::vector<PartitionLag>> Lag(const std::string& topic) override;

 private:
  KafkaHandle rk_;
};

// Number of partitions of `topic` as the cluster reports it.
Result<int> PartitionCount(rd_kafka_t* rk, const std::string& topic, std::chrono::milliseconds timeout);

}  // namespace medallion::ingest
