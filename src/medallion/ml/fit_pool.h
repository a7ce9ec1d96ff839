// Fits several models side by side. A backtest's fold models and the final
// model are independent fits on small data: on a few cores, running them one
// per core with a single XGBoost thread each keeps every core busy building
// trees, where one fit at a time with several threads spends much of each
// boosting round synchronising threads over a few thousand rows.
#pragma once

#include <future>
#include <semaphore>

#include "medallion/common/status.h"
#include "medallion/ml/dataset.h"
#include "medallion/ml/model.h"

namespace medallion::ml {

class FitPool {
 public:
  // At most `slots` fits run at once (at least one).
  explicit FitPool(int slots);

  // Fits `model` on `rows` on a thread of its own once a slot is free. Both
  // must outlive the returned future's get(); so must the pool.
  std::future<Status> Fit(Model& model, const Dataset& rows);

 private:
  std::counting_semaphore<> slots_;
};

}  // namespace medallion::ml
