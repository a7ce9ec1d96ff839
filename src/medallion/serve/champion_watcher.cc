#include "medallion/serve/champion_watcher.h"

#include <spdlog/spdlog.h>

#include "medallion/ml/model.h"
#include "medallion/serve/model_predictor.h"

namespace medallion::serve {

ChampionWatcher::ChampionWatcher(std::shared_ptr<ModelCatalog> models, std::shared_ptr<PredictorSlot> slot,
                                 Options options)
    : models_(std::move(models)), slot_(std::move(slot)), options_(std::move(options)) {}

ChampionWatcher::~ChampionWatcher() { Stop(); }

int64_t ChampionWatcher::loaded_version() const {
  std::lock_guard<std::mutex> lock(mu_);
  return loaded_version_;
}

Status ChampionWatcher::CheckNow() {
  MEDALLION_ASSIGN_OR_RETURN(int64_t table_version, models_->RefreshedTableVersion());
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (table_version == seen_table_version_) return Status::OK();
  }
  MEDALLION_ASSIGN_OR_RETURN(auto champion, models_->Alias(options_.model_name, ml::kChampionAlias));
  const int64_t wanted = champion ? champion->version : -1;
  if (wanted != loaded_version()) {
    if (!champion) {
      slot_->Set(nullptr);
    } else {
      MEDALLION_ASSIGN_OR_RETURN(std::string file, models_->LocalModelFile(*champion));
      MEDALLION_ASSIGN_OR_RETURN(auto model, ml::LoadModelFile(file));
      ModelInfo info{champion->name, std::to_string(champion->version)};
      MEDALLION_ASSIGN_OR_RETURN(auto predictor, MakePredictor(std::move(info), std::move(model)));
      slot_->Set(std::move(predictor));
      spdlog::info("serving champion {} v{}", champion->name, champion->version);
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  loaded_version_ = wanted;
  seen_table_version_ = table_version;  // only after a successful load, so a failure is retried
  return Status::OK();
}

void ChampionWatcher::Start() {
  Status first = CheckNow();
  if (!first.ok()) spdlog::warn("champion check failed: {}", first.ToString());
  thread_ = std::thread([this] {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stopping_) {
      wake_.wait_for(lock, options_.interval, [this] { return stopping_; });
      if (stopping_) break;
      lock.unlock();
      Status st = CheckNow();
      if (!st.ok()) spdlog::warn("champion check failed: {}", st.ToString());
      lock.lock();
    }
  });
}

void ChampionWatcher::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace medallion::serve
