// The floor for `medallion ingest`: a bare librdkafka consumer-group member
// that reads a topic from the beginning to its current end and does nothing
// else with the records (bench/ingest.py anchor (a)). Same client settings
// that matter for throughput as ingest::KafkaSource, so the ratio measures
// what turning records into Bronze costs, not a tuning difference.
//
//   ingest_read_bench <bootstrap> <topic> <group>
// Prints one JSON line: {"records": N, "bytes": B, "seconds": S}.
#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <string>

namespace {

bool Set(rd_kafka_conf_t* conf, const char* key, const std::string& value) {
  char err[512];
  if (rd_kafka_conf_set(conf, key, value.c_str(), err, sizeof(err)) != RD_KAFKA_CONF_OK) {
    std::fprintf(stderr, "ingest_read_bench: %s=%s: %s\n", key, value.c_str(), err);
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s <bootstrap> <topic> <group>\n", argv[0]);
    return 2;
  }
  const std::string bootstrap = argv[1], topic = argv[2], group = argv[3];
  const auto start = std::chrono::steady_clock::now();
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  if (!Set(conf, "bootstrap.servers", bootstrap) || !Set(conf, "group.id", group) ||
      !Set(conf, "enable.auto.commit", "false") || !Set(conf, "auto.offset.reset", "earliest") ||
      !Set(conf, "enable.partition.eof", "true") || !Set(conf, "fetch.message.max.bytes", std::to_string(8 << 20)) ||
      !Set(conf, "queued.max.messages.kbytes", std::to_string(256 * 1024)) ||
      !Set(conf, "queued.min.messages", "1000000")) {
    return 2;
  }
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err));
  if (!rk) {
    std::fprintf(stderr, "ingest_read_bench: %s\n", err);
    return 1;
  }
  rd_kafka_poll_set_consumer(rk);

  // The end to read to: the high watermark of every partition now.
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
  if (rd_kafka_metadata(rk, 0, rkt, &md, 10000) != RD_KAFKA_RESP_ERR_NO_ERROR || md->topic_cnt != 1 ||
      md->topics[0].partition_cnt == 0) {
    std::fprintf(stderr, "ingest_read_bench: no metadata for topic '%s'\n", topic.c_str());
    return 1;
  }
  std::map<int32_t, int64_t> end;
  for (int i = 0; i < md->topics[0].partition_cnt; ++i) {
    const int32_t p = md->topics[0].partitions[i].id;
    int64_t low = 0, high = 0;
    if (rd_kafka_query_watermark_offsets(rk, topic.c_str(), p, &low, &high, 10000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      std::fprintf(stderr, "ingest_read_bench: watermarks of %s [%d] unknown\n", topic.c_str(), p);
      return 1;
    }
    if (high > low) end[p] = high;
  }
  rd_kafka_metadata_destroy(md);
  rd_kafka_topic_destroy(rkt);

  rd_kafka_topic_partition_list_t* topics = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(topics, topic.c_str(), RD_KAFKA_PARTITION_UA);
  rd_kafka_subscribe(rk, topics);
  rd_kafka_topic_partition_list_destroy(topics);

  int64_t records = 0, bytes = 0;
  while (!end.empty()) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 1000);
    if (!m) continue;
    if (m->err && m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      std::fprintf(stderr, "ingest_read_bench: %s\n", rd_kafka_message_errstr(m));
      rd_kafka_message_destroy(m);
      return 1;
    }
    if (!m->err) {
      ++records;
      bytes += static_cast<int64_t>(m->len + m->key_len);
    }
    auto it = end.find(m->partition);
    // After a record, the next offset; after EOF, the position itself.
    const int64_t next = m->err ? m->offset : m->offset + 1;
    if (it != end.end() && next >= it->second) end.erase(it);
    rd_kafka_message_destroy(m);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  std::printf("{\"records\": %lld, \"bytes\": %lld, \"seconds\": %.3f}\n", static_cast<long long>(records),
              static_cast<long long>(bytes), seconds);
  return 0;
}
