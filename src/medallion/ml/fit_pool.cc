#include "medallion/ml/fit_pool.h"

#include <algorithm>

namespace medallion::ml {

FitPool::FitPool(int slots) : slots_(std::max(1, slots)) {}

std::future<Status> FitPool::Fit(Model& model, const Dataset& rows) {
  return std::async(std::launch::async, [this, &model, &rows] {
    slots_.acquire();
    Status fitted = model.Fit(rows.x, rows.y);
    slots_.release();
    return fitted;
  });
}

}  // namespace medallion::ml
