#include "medallion/ml/feature_matrix.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>

#include <cmath>
#include <limits>

#include "medallion/common/arrow_status.h"

namespace medallion::ml {

Status FeatureMatrix::AppendRow(std::span<const double> row) {
  if (row.size() != names_.size()) {
    return Status::InvalidArgument("feature row has " + std::to_string(row.size()) + " values, matrix has " +
                                   std::to_string(names_.size()) + " columns");
  }
  values_.insert(values_.end(), row.begin(), row.end());
  ++rows_;
  return Status::OK();
}

Result<size_t> FeatureMatrix::ColumnIndex(std::string_view name) const {
  for (size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == name) return i;
  }
  return Status::NotFound("feature column '" + std::string(name) + "' is not in the feature matrix");
}

Result<FeatureMatrix> FeatureMatrix::Select(const std::vector<std::string>& names) const {
  std::vector<size_t> source;
  source.reserve(names.size());
  for (const auto& name : names) {
    MEDALLION_ASSIGN_OR_RETURN(size_t index, ColumnIndex(name));
    source.push_back(index);
  }
  FeatureMatrix out(names);
  out.values_.resize(rows_ * names.size());
  out.rows_ = rows_;
  for (size_t r = 0; r < rows_; ++r) {
    for (size_t c = 0; c < source.size(); ++c) out.values_[r * names.size() + c] = at(r, source[c]);
  }
  return out;
}

FeatureMatrix FeatureMatrix::Take(std::span<const size_t> indices) const {
  FeatureMatrix out(names_);
  out.values_.reserve(indices.size() * cols());
  for (size_t r : indices) {
    auto src = row(r);
    out.values_.insert(out.values_.end(), src.begin(), src.end());
  }
  out.rows_ = indices.size();
  return out;
}

Result<std::shared_ptr<arrow::Table>> FeatureMatrix::ToArrowTable() const {
  arrow::FieldVector fields;
  arrow::ArrayVector columns;
  for (size_t c = 0; c < cols(); ++c) {
    arrow::DoubleBuilder builder;
    MEDALLION_RETURN_IF_ARROW_ERROR(builder.Reserve(static_cast<int64_t>(rows_)));
    for (size_t r = 0; r < rows_; ++r) builder.UnsafeAppend(at(r, c));
    MEDALLION_ASSIGN_OR_RETURN_ARROW(auto array, builder.Finish());
    fields.push_back(arrow::field(names_[c], arrow::float64()));
    columns.push_back(std::move(array));
  }
  return arrow::Table::Make(arrow::schema(fields), columns, static_cast<int64_t>(rows_));
}

Result<FeatureMatrix> FeatureMatrix::FromArrowTable(const arrow::Table& table, const std::vector<std::string>& names) {
  FeatureMatrix out(names);
  const size_t rows = static_cast<size_t>(table.num_rows());
  out.values_.assign(rows * names.size(), std::numeric_limits<double>::quiet_NaN());
  out.rows_ = rows;
  for (size_t c = 0; c < names.size(); ++c) {
    auto column = table.GetColumnByName(names[c]);
    if (!column) return Status::NotFound("feature column '" + names[c] + "' is not in the input table");
    auto cast = FromArrow(arrow::compute::Cast(arrow::Datum(column), arrow::float64()));
    if (!cast.ok()) return cast.status().WithContext("feature column '" + names[c] + "'");
    size_t r = 0;
    for (const auto& chunk : cast->chunked_array()->chunks()) {
      const auto& doubles = static_cast<const arrow::DoubleArray&>(*chunk);
      for (int64_t i = 0; i < doubles.length(); ++i, ++r) {
        if (doubles.IsValid(i)) out.values_[r * names.size() + c] = doubles.Value(i);
      }
    }
  }
  return out;
}

}  // namespace medallion::ml
