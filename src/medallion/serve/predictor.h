// The seam between the API and whatever model is champion. The ml module's
// XGBoost model will be adapted to this interface; the slot lets a promotion
// swap the champion while requests are in flight (each request keeps the
// model it started with).
#pragma once

#include <cmath>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "medallion/common/result.h"

namespace medallion::serve {

// Row-major float features (the layout XGBoost's C API takes); NaN = missing.
struct FeatureMatrix {
  std::vector<std::string> feature_names;
  size_t num_rows = 0;
  std::vector<float> values;  // num_rows * feature_names.size()

  float at(size_t row, size_t col) const { return values[row * feature_names.size() + col]; }
};

struct ModelInfo {
  std::string name;
  std::string version;
};

class Predictor {
 public:
  virtual ~Predictor() = default;
  virtual ModelInfo model() const = 0;
  // The features the model was trained on, in column order.
  virtual std::vector<std::string> feature_names() const = 0;
  // One prediction per row. Called from many threads at once.
  virtual Result<std::vector<double>> Predict(const FeatureMatrix& features) const = 0;
};

class PredictorSlot {
 public:
  std::shared_ptr<const Predictor> Get() const {
    std::lock_guard<std::mutex> lock(mu_);
    return current_;
  }
  void Set(std::shared_ptr<const Predictor> predictor) {
    std::lock_guard<std::mutex> lock(mu_);
    current_ = std::move(predictor);
  }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const Predictor> current_;
};

}  // namespace medallion::serve
