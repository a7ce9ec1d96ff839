#include "medallion/cli/demo_ingest.h"

#include <spdlog/spdlog.h>

#include "medallion/storage/object_store.h"

namespace medallion::cli {

Result<std::unique_ptr<IngestWorker>> IngestWorker::Start(const std::string& bootstrap, const std::string& group,
                                                          const std::string& lake, const std::string& topic) {
  std::unique_ptr<IngestWorker> worker(new IngestWorker());
  worker->topic_ = topic;
  MEDALLION_ASSIGN_OR_RETURN(worker->bronze_, ingest::OpenBronzeTable(storage::JoinPath(lake, "bronze/" + topic)));
  MEDALLION_ASSIGN_OR_RETURN(worker->dead_letters_,
                             ingest::OpenDeadLetterTable(storage::JoinPath(lake, "bronze/_dead_letters")));
  worker->offsets_ = std::make_unique<ingest::DeltaOffsetStore>(worker->bronze_);
  worker->sink_ = std::make_unique<ingest::DeltaBronzeSink>(worker->bronze_, worker->dead_letters_,
                                                            worker->offsets_.get(), group, topic);
  ingest::KafkaSourceOptions so;
  so.bootstrap = bootstrap;
  so.group_id = group;
  so.topic = topic;
  // Small, frequent commits: the live status and the dashboard move every second.
  so.max_batch_wait = std::chrono::milliseconds(1000);
  MEDALLION_ASSIGN_OR_RETURN(worker->source_, ingest::KafkaSource::Open(so, worker->offsets_.get()));
  worker->thread_ = std::thread([w = worker.get()] { w->Run(); });
  return worker;
}

void IngestWorker::Run() {
  Status st = ingest::RunIngestLoop(*source_, *sink_, {}, stop_,
                                    [this](const ingest::IngestProgress& p) { records_.store(p.records); });
  Status closed = source_->Close();
  if (st.ok()) st = closed;
  if (!st.ok()) spdlog::error("ingest {}: {}", topic_, st.ToString());
  {
    std::lock_guard<std::mutex> lock(mu_);
    outcome_ = st;
  }
  done_.store(true);
}

Status IngestWorker::Outcome() const {
  std::lock_guard<std::mutex> lock(mu_);
  return outcome_;
}

Status IngestWorker::Stop() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
  return Outcome();
}

IngestWorker::~IngestWorker() { (void)Stop(); }

}  // namespace medallion::cli
