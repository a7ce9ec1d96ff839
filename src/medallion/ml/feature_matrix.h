// A dense, row-major matrix of named features: what every model fits on and
// predicts from. Missing values are NaN (XGBoost treats them as missing; ridge
// imputes the training mean).
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "medallion/common/result.h"

namespace arrow {
class Table;
}

namespace medallion::ml {

class FeatureMatrix {
 public:
  FeatureMatrix() = default;
  explicit FeatureMatrix(std::vector<std::string> names) : names_(std::move(names)) {}

  const std::vector<std::string>& names() const { return names_; }
  size_t cols() const { return names_.size(); }
  size_t rows() const { return rows_; }

  double at(size_t row, size_t col) const { return values_[row * names_.size() + col]; }
  std::span<const double> row(size_t r) const { return {values_.data() + r * names_.size(), names_.size()}; }
  const std::vector<double>& values() const { return values_; }

  // InvalidArgument unless `row` has exactly cols() values.
  Status AppendRow(std::span<const double> row);

  // Index of the column called `name`; NotFound names the column.
  Result<size_t> ColumnIndex(std::string_view name) const;

  // The columns `names`, in that order: a model predicts from the features it
  // was trained on, whatever the order or extra columns of the input.
  Result<FeatureMatrix> Select(const std::vector<std::string>& names) const;

  // Rows `indices` (in that order).
  FeatureMatrix Take(std::span<const size_t> indices) const;

  // One float64 column per feature.
  Result<std::shared_ptr<arrow::Table>> ToArrowTable() const;

  // Columns `names` of `table`, cast to float64 (nulls become NaN).
  static Result<FeatureMatrix> FromArrowTable(const arrow::Table& table, const std::vector<std::string>& names);

 private:
  std::vector<std::string> names_;
  std::vector<double> values_;
  size_t rows_ = 0;
};

}  // namespace medallion::ml
