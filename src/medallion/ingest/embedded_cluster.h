// librdkafka's in-process mock cluster, so demos and quick tests need no
// Java. It listens on a loopback port; any Kafka client can connect to
// bootstrap() while this object lives.
//
// Beware (measured, see ARCHITECTURE.md): each partition keeps a bounded log
// and silently drops its oldest segments once it grows past it. Producers
// must apply back-pressure on consumer lag (see LagProbe), and consumers
// must treat an offset below the low watermark as data loss.
#pragma once

#include <memory>
#include <string>

#include "medallion/common/result.h"
#include "medallion/ingest/kafka_client.h"

typedef struct rd_kafka_mock_cluster_s rd_kafka_mock_cluster_t;

namespace medallion::ingest {

inline constexpr int kDefaultPartitions = 6;

class EmbeddedCluster {
 public:
  static Result<std::unique_ptr<EmbeddedCluster>> Start(int brokers = 1);
  ~EmbeddedCluster();

  EmbeddedCluster(const EmbeddedCluster&) = delete;
  EmbeddedCluster& operator=(const EmbeddedCluster&) = delete;

  // "127.0.0.1:PORT[,...]".
  const std::string& bootstrap() const { return bootstrap_; }

  // Creates `topic`; AlreadyExists is not an error for callers that only
  // want it to exist, so it returns OK then.
  Status CreateTopic(const std::string& topic, int partitions = kDefaultPartitions);

  rd_kafka_mock_cluster_t* mock() const { return mock_; }

 private:
  EmbeddedCluster() = default;
  KafkaHandle owner_;  // the mock cluster runs on this handle's threads
  rd_kafka_mock_cluster_t* mock_ = nullptr;
  std::string bootstrap_;
};

}  // namespace medallion::ingest
