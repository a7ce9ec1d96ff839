// Keeps the registry's champion in the PredictorSlot: every `interval` it
// re-reads the registry table's version and, when it moved (a registration,
// promotion or rollback), loads the champion's model file if the champion
// changed. Requests in flight keep the model they started with; a model that
// fails to load leaves the previous one serving and is retried next time.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "medallion/common/status.h"
#include "medallion/serve/model_catalog.h"
#include "medallion/serve/predictor.h"

namespace medallion::serve {

class ChampionWatcher {
 public:
  struct Options {
    std::string model_name = "demand";
    std::chrono::milliseconds interval{2000};
  };

  ChampionWatcher(std::shared_ptr<ModelCatalog> models, std::shared_ptr<PredictorSlot> slot, Options options);
  ~ChampionWatcher();  // stops the thread
  ChampionWatcher(const ChampionWatcher&) = delete;
  ChampionWatcher& operator=(const ChampionWatcher&) = delete;

  // One poll, on the caller's thread.
  Status CheckNow();

  // Polls on a background thread (after one CheckNow) until Stop.
  void Start();
  void Stop();

  // The champion version in the slot (-1: none).
  int64_t loaded_version() const;

 private:
  std::shared_ptr<ModelCatalog> models_;
  std::shared_ptr<PredictorSlot> slot_;
  Options options_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
  int64_t seen_table_version_ = -2;  // -2: never read
  int64_t loaded_version_ = -1;
};

}  // namespace medallion::serve
