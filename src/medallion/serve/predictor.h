// The seam between the API and whatever model is champion. The ml module's
// models are adapted to this interface; the slot lets a promotion swap the
// champion while requests are in flight (each request keeps the model it
// started with).
#pragma once

#include <atomic>
#include <cmath>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "medallion/common/result.h"

namespace medallion::serve {

// Row-major float features in the model's column order (the layout XGBoost's
// C API takes); NaN = missing.
struct FeatureMatrix {
  size_t num_rows = 0;
  size_t num_cols = 0;
  std::vector<float> values;  // num_rows * num_cols

  float at(size_t row, size_t col) const { return values[row * num_cols + col]; }
};

struct ModelInfo {
  std::string name;
  std::string version;
};

class Predictor {
 public:
  explicit Predictor(std::vector<std::string> feature_names);
  virtual ~Predictor() = default;
  Predictor(const Predictor&) = delete;
  Predictor& operator=(const Predictor&) = delete;

  virtual ModelInfo model() const = 0;
  // One prediction per row. Called from many threads at once.
  virtual Result<std::vector<double>> Predict(const FeatureMatrix& features) const = 0;

  // The features the model was trained on, in column order.
  const std::vector<std::string>& feature_names() const { return feature_names_; }
  // The column of a feature; built once per model so a request does no setup.
  std::optional<size_t> ColumnOf(std::string_view name) const;

 private:
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::vector<std::string> feature_names_;
  std::unordered_map<std::string, size_t, NameHash, std::equal_to<>> column_of_;
};

// Read on every predict request, written on promotion: an atomic shared_ptr
// keeps readers off a mutex.
class PredictorSlot {
 public:
  std::shared_ptr<const Predictor> Get() const { return current_.load(std::memory_order_acquire); }
  void Set(std::shared_ptr<const Predictor> predictor) {
    current_.store(std::move(predictor), std::memory_order_release);
  }

 private:
  std::atomic<std::shared_ptr<const Predictor>> current_;
};

}  // namespace medallion::serve
