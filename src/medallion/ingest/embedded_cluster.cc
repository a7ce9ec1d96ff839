#include "medallion/ingest/embedded_cluster.h"

#include <librdkafka/rdkafka_mock.h>

namespace medallion::ingest {

Result<std::unique_ptr<EmbeddedCluster>> EmbeddedCluster::Start(int brokers) {
  std::unique_ptr<EmbeddedCluster> c(new EmbeddedCluster());
  // A handle with no bootstrap servers only hosts the cluster; it never
  // connects anywhere.
  MEDALLION_ASSIGN_OR_RETURN(auto conf, MakeKafkaConf({{"log_level", "3"}}));
  MEDALLION_ASSIGN_OR_RETURN(c->owner_, NewKafkaHandle(RD_KAFKA_PRODUCER, std::move(conf)));
  c->mock_ = rd_kafka_mock_cluster_new(c->owner_.get(), brokers);
  if (!c->mock_) return Status::IOError("cannot start the embedded Kafka (librdkafka mock) cluster");
  c->bootstrap_ = rd_kafka_mock_cluster_bootstraps(c->mock_);
  return c;
}

EmbeddedCluster::~EmbeddedCluster() {
  if (mock_) rd_kafka_mock_cluster_destroy(mock_);
}

Status EmbeddedCluster::CreateTopic(const std::string& topic, int partitions) {
  const rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(mock_, topic.c_str(), partitions, 1);
  if (err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) return Status::OK();
  return KafkaError(err, "create topic '" + topic + "' on the embedded cluster");
}

}  // namespace medallion::ingest
