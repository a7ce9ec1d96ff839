#include "medallion/ingest/producer.h"

#include <algorithm>
#include <thread>

namespace medallion::ingest {

Result<std::unique_ptr<Producer>> Producer::Open(ProducerOptions options) {
  if (options.bootstrap.empty()) return Status::InvalidArgument("producer needs a bootstrap address");
  std::unique_ptr<Producer> p(new Producer());
  KafkaConfig config = {
      {"bootstrap.servers", options.bootstrap},
      // Idempotence: retries after a lost ack never duplicate or reorder.
      {"enable.idempotence", "true"},
      {"compression.type", options.compression},
      {"linger.ms", std::to_string(options.linger_ms)},
      {"batch.num.messages", "10000"},
      {"batch.size", std::to_string(1 << 20)},
      {"queue.buffering.max.messages", "200000"},
      {"queue.buffering.max.kbytes", std::to_string(512 * 1024)},
      {"message.max.bytes", std::to_string(options.max_message_bytes)},
      // Java clients' default partitioner: the same key lands on the same
      // partition whichever client produced it.
      {"partitioner", "murmur2_random"},
      {"log_level", "4"},
  };
  for (const auto& [k, v] : options.extra) config[k] = v;
  MEDALLION_ASSIGN_OR_RETURN(auto conf, MakeKafkaConf(config));
  rd_kafka_conf_set_dr_msg_cb(conf.get(), &Producer::OnDelivery);
  rd_kafka_conf_set_opaque(conf.get(), p.get());
  MEDALLION_ASSIGN_OR_RETURN(p->rk_, NewKafkaHandle(RD_KAFKA_PRODUCER, std::move(conf)));
  return p;
}

void Producer::OnDelivery(rd_kafka_t*, const rd_kafka_message_t* msg, void* opaque) {
  auto* self = static_cast<Producer*>(opaque);
  if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    self->delivered_.fetch_add(1);
    self->delivered_bytes_.fetch_add(static_cast<int64_t>(msg->len));
    return;
  }
  self->failed_.fetch_add(1);
  std::lock_guard lock(self->mu_);
  if (self->first_error_.ok()) {
    self->first_error_ = KafkaError(msg->err, "delivery to " + std::string(rd_kafka_topic_name(msg->rkt)) + " [" +
                                                  std::to_string(msg->partition) + "] failed");
  }
}

Status Producer::Send(const std::string& topic, const KafkaRecord& record) {
  rd_kafka_headers_t* headers = nullptr;
  if (!record.headers.empty()) {
    headers = rd_kafka_headers_new(record.headers.size());
    for (const auto& [k, v] : record.headers) {
      rd_kafka_header_add(headers, k.data(), static_cast<ssize_t>(k.size()), v.data(), static_cast<ssize_t>(v.size()));
    }
  }
  for (;;) {
    // On success librdkafka owns `headers`; on failure we still do.
    const rd_kafka_resp_err_t err = rd_kafka_producev(
        rk_.get(), RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_KEY(record.key.data(), record.key.size()),
        RD_KAFKA_V_VALUE(const_cast<char*>(record.value.data()), record.value.size()),
        RD_KAFKA_V_HEADERS(headers), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      queued_.fetch_add(1);
      rd_kafka_poll(rk_.get(), 0);
      return Status::OK();
    }
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      rd_kafka_poll(rk_.get(), 50);  // let deliveries drain the queue
      continue;
    }
    if (headers) rd_kafka_headers_destroy(headers);
    return KafkaError(err, "produce to '" + topic + "' (key '" + record.key + "', " +
                               std::to_string(record.value.size()) + " bytes)");
  }
}

void Producer::Poll(int timeout_ms) { rd_kafka_poll(rk_.get(), timeout_ms); }

int64_t Producer::in_flight() const { return rd_kafka_outq_len(rk_.get()); }

Status Producer::Flush(std::chrono::milliseconds timeout) {
  const rd_kafka_resp_err_t err = rd_kafka_flush(rk_.get(), static_cast<int>(timeout.count()));
  {
    std::lock_guard lock(mu_);
    if (!first_error_.ok()) return first_error_;
  }
  char reason[512];
  if (rd_kafka_fatal_error(rk_.get(), reason, sizeof(reason)) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::IOError(std::string("producer fatal error: ") + reason);
  }
  return KafkaError(err, "flush (" + std::to_string(in_flight()) + " records still in flight)");
}

Result<int64_t> LagProbe::MaxLag(const std::string& topic) {
  MEDALLION_ASSIGN_OR_RETURN(auto lags, Lag(topic));
  int64_t max = 0;
  for (const auto& l : lags) max = std::max(max, l.lag());
  return max;
}

Result<int> PartitionCount(rd_kafka_t* rk, const std::string& topic, std::chrono::milliseconds timeout) {
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
  const rd_kafka_metadata_t* md = nullptr;
  const rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, rkt, &md, static_cast<int>(timeout.count()));
  rd_kafka_topic_destroy(rkt);
  if (err) return KafkaError(err, "metadata of topic '" + topic + "'");
  int count = 0;
  Status st;
  if (md->topic_cnt == 1) {
    if (md->topics[0].err) st = KafkaError(md->topics[0].err, "metadata of topic '" + topic + "'");
    count = md->topics[0].partition_cnt;
  }
  rd_kafka_metadata_destroy(md);
  if (!st.ok()) return st;
  if (count == 0) return Status::NotFound("topic '" + topic + "' has no partitions (does it exist?)");
  return count;
}

Result<std::unique_ptr<GroupLagProbe>> GroupLagProbe::Open(const std::string& bootstrap, const std::string& group,
                                                           KafkaConfig extra) {
  KafkaConfig config = {{"bootstrap.servers", bootstrap},
                        {"group.id", group},
                        {"enable.auto.commit", "false"},
                        {"log_level", "3"}};
  for (const auto& [k, v] : extra) config[k] = v;
  MEDALLION_ASSIGN_OR_RETURN(auto conf, MakeKafkaConf(config));
  auto probe = std::unique_ptr<GroupLagProbe>(new GroupLagProbe());
  MEDALLION_ASSIGN_OR_RETURN(probe->rk_, NewKafkaHandle(RD_KAFKA_CONSUMER, std::move(conf)));
  return probe;
}

Result<std::vector<PartitionLag>> GroupLagProbe::Lag(const std::string& topic) {
  constexpr std::chrono::milliseconds kTimeout{5000};
  MEDALLION_ASSIGN_OR_RETURN(const int n, PartitionCount(rk_.get(), topic, kTimeout));
  TopicPartitionList list(rd_kafka_topic_partition_list_new(n));
  for (int p = 0; p < n; ++p) rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p);
  MEDALLION_RETURN_IF_ERROR(KafkaError(rd_kafka_committed(rk_.get(), list.get(), static_cast<int>(kTimeout.count())),
                                       "committed offsets of '" + topic + "'"));
  std::vector<PartitionLag> out;
  for (int i = 0; i < list->cnt; ++i) {
    PartitionLag l;
    l.partition = list->elems[i].partition;
    l.committed = list->elems[i].offset >= 0 ? list->elems[i].offset : -1;
    MEDALLION_RETURN_IF_ERROR(
        KafkaError(rd_kafka_query_watermark_offsets(rk_.get(), topic.c_str(), l.partition, &l.low, &l.high,
                                                    static_cast<int>(kTimeout.count())),
                   "watermarks of " + topic + " [" + std::to_string(l.partition) + "]"));
    out.push_back(l);
  }
  return out;
}

}  // namespace medallion::ingest
