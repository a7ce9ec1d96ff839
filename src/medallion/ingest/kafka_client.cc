#include "medallion/ingest/kafka_client.h"

#include <sys/resource.h>
#include <unistd.h>

#include <cstdint>

namespace medallion::ingest {

void KafkaHandleDeleter::operator()(rd_kafka_t* rk) const {
  if (rk) rd_kafka_destroy(rk);
}

Result<KafkaConf> MakeKafkaConf(const KafkaConfig& entries) {
  KafkaConf conf(rd_kafka_conf_new());
  char err[512];
  for (const auto& [key, value] : entries) {
    if (rd_kafka_conf_set(conf.get(), key.c_str(), value.c_str(), err, sizeof(err)) != RD_KAFKA_CONF_OK) {
      // The value may be a credential (sasl.password): never echo it.
      return Status::InvalidArgument("Kafka setting '" + key + "' rejected: " + err);
    }
  }
  return conf;
}

Result<KafkaHandle> NewKafkaHandle(rd_kafka_type_t type, KafkaConf conf) {
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(type, conf.get(), err, sizeof(err));
  if (!rk) return Status::InvalidArgument(std::string("cannot create Kafka client: ") + err);
  conf.release();  // owned by rk now
  return KafkaHandle(rk);
}

Status KafkaError(rd_kafka_resp_err_t err, const std::string& what) {
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return Status::OK();
  const std::string msg = what + ": " + rd_kafka_err2str(err) + " (" + rd_kafka_err2name(err) + ")";
  switch (err) {
    case RD_KAFKA_RESP_ERR__TIMED_OUT:
    case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
      return Status::Timeout(msg);
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
      return Status::NotFound(msg);
    case RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE:
    case RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET:
      return Status::DataLoss(msg);
    case RD_KAFKA_RESP_ERR__INVALID_ARG:
    case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
      return Status::InvalidArgument(msg);
    default:
      return Status::IOError(msg);
  }
}

namespace {

rd_kafka_resp_err_t NiceBrokerThread(rd_kafka_t*, rd_kafka_thread_type_t type, const char*, void* opaque) {
  if (type == RD_KAFKA_THREAD_BROKER) {
    (void)setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), static_cast<int>(reinterpret_cast<intptr_t>(opaque)));
  }
  return RD_KAFKA_RESP_ERR_NO_ERROR;
}

rd_kafka_resp_err_t AddNiceBrokerThreads(rd_kafka_t* rk, const rd_kafka_conf_t*, void* opaque, char*, size_t) {
  return rd_kafka_interceptor_add_on_thread_start(rk, "medallion-nice", &NiceBrokerThread, opaque);
}

}  // namespace

void LowerBrokerThreadPriority(rd_kafka_conf_t* conf, int nice) {
  // The value travels in the opaque pointer itself: nothing to keep alive.
  (void)rd_kafka_conf_interceptor_add_on_new(conf, "medallion-nice", &AddNiceBrokerThreads,
                                             reinterpret_cast<void*>(static_cast<intptr_t>(nice)));
}

}  // namespace medallion::ingest
