// Thin RAII over librdkafka's C API: configuration from key/value pairs,
// handles that are destroyed properly, and librdkafka errors as Status.
#pragma once

#include <librdkafka/rdkafka.h>

#include <map>
#include <memory>
#include <string>

#include "medallion/common/result.h"

namespace medallion::ingest {

using KafkaConfig = std::map<std::string, std::string>;

struct KafkaHandleDeleter {
  void operator()(rd_kafka_t* rk) const;
};
using KafkaHandle = std::unique_ptr<rd_kafka_t, KafkaHandleDeleter>;

struct TopicPartitionListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* l) const { rd_kafka_topic_partition_list_destroy(l); }
};
using TopicPartitionList = std::unique_ptr<rd_kafka_topic_partition_list_t, TopicPartitionListDeleter>;

struct KafkaConfDeleter {
  void operator()(rd_kafka_conf_t* c) const { rd_kafka_conf_destroy(c); }
};
using KafkaConf = std::unique_ptr<rd_kafka_conf_t, KafkaConfDeleter>;

// A conf with every entry set; InvalidArgument names the rejected key.
Result<KafkaConf> MakeKafkaConf(const KafkaConfig& entries);

// Creates a producer or consumer handle; takes ownership of `conf`.
Result<KafkaHandle> NewKafkaHandle(rd_kafka_type_t type, KafkaConf conf);

// Runs librdkafka's broker (fetch) threads of clients made from `conf` at
// this nice value (higher: lower priority). Best effort: a refused
// setpriority leaves them as they were.
void LowerBrokerThreadPriority(rd_kafka_conf_t* conf, int nice);

// "what: Local: Broker transport failure (_TRANSPORT)".
Status KafkaError(rd_kafka_resp_err_t err, const std::string& what);

}  // namespace medallion::ingest
