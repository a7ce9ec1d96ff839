#include "medallion/transform/gold_columns.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <fmt/format.h>

#include "medallion/common/arrow_compute.h"
#include "medallion/common/arrow_status.h"

namespace medallion::transform {

namespace {

Result<std::shared_ptr<arrow::ChunkedArray>> ColumnAs(const arrow::Table& table, const std::string& column,
                                                      const std::shared_ptr<arrow::DataType>& type) {
  auto chunked = table.GetColumnByName(column);
  if (!chunked) return Status::InvalidArgument(fmt::format("table has no column '{}'", column));
  if (chunked->type()->Equals(*type)) return chunked;
  MEDALLION_RETURN_IF_ERROR(EnsureArrowComputeReady());
  auto cast = arrow::compute::Cast(chunked, type);
  if (!cast.ok()) {
    return Status::InvalidArgument(
        fmt::format("column '{}' ({}) cannot be read as {}: {}", column, chunked->type()->ToString(),
                    type->ToString(), cast.status().message()));
  }
  return cast->chunked_array();
}

template <typename ArrowArray, typename T>
Result<std::vector<T>> ReadPrimitive(const arrow::Table& table, const std::string& column,
                                     const std::shared_ptr<arrow::DataType>& type) {
  MEDALLION_ASSIGN_OR_RETURN(auto chunked, ColumnAs(table, column, type));
  std::vector<T> out;
  out.reserve(chunked->length());
  for (const auto& chunk : chunked->chunks()) {
    const auto& array = static_cast<const ArrowArray&>(*chunk);
    for (int64_t i = 0; i < array.length(); ++i) out.push_back(array.IsNull(i) ? T{} : static_cast<T>(array.Value(i)));
  }
  return out;
}

template <typename Builder, typename T>
std::shared_ptr<arrow::Array> Build(Builder builder, const std::vector<T>& values) {
  for (const auto& v : values) (void)builder.Append(v);
  std::shared_ptr<arrow::Array> out;
  (void)builder.Finish(&out);
  return out;
}

template <typename Builder, typename T>
std::shared_ptr<arrow::Array> BuildOptional(Builder builder, const std::vector<std::optional<T>>& values) {
  for (const auto& v : values) (void)(v ? builder.Append(*v) : builder.AppendNull());
  std::shared_ptr<arrow::Array> out;
  (void)builder.Finish(&out);
  return out;
}

}  // namespace

Result<std::vector<int64_t>> ReadInt64(const arrow::Table& table, const std::string& column) {
  return ReadPrimitive<arrow::Int64Array, int64_t>(table, column, arrow::int64());
}

Result<std::vector<int32_t>> ReadDate32(const arrow::Table& table, const std::string& column) {
  return ReadPrimitive<arrow::Date32Array, int32_t>(table, column, arrow::date32());
}

Result<std::vector<double>> ReadDouble(const arrow::Table& table, const std::string& column) {
  return ReadPrimitive<arrow::DoubleArray, double>(table, column, arrow::float64());
}

Result<std::vector<bool>> ReadBool(const arrow::Table& table, const std::string& column) {
  return ReadPrimitive<arrow::BooleanArray, bool>(table, column, arrow::boolean());
}

Result<std::vector<std::string>> ReadString(const arrow::Table& table, const std::string& column) {
  MEDALLION_ASSIGN_OR_RETURN(auto chunked, ColumnAs(table, column, arrow::utf8()));
  std::vector<std::string> out;
  out.reserve(chunked->length());
  for (const auto& chunk : chunked->chunks()) {
    const auto& array = static_cast<const arrow::StringArray&>(*chunk);
    for (int64_t i = 0; i < array.length(); ++i) out.push_back(array.IsNull(i) ? std::string() : array.GetString(i));
  }
  return out;
}

std::shared_ptr<arrow::Array> Int64Array(const std::vector<int64_t>& v) { return Build(arrow::Int64Builder(), v); }
std::shared_ptr<arrow::Array> Int32Array(const std::vector<int32_t>& v) { return Build(arrow::Int32Builder(), v); }
std::shared_ptr<arrow::Array> Date32Array(const std::vector<int32_t>& v) { return Build(arrow::Date32Builder(), v); }
std::shared_ptr<arrow::Array> DoubleArray(const std::vector<double>& v) { return Build(arrow::DoubleBuilder(), v); }
std::shared_ptr<arrow::Array> StringArray(const std::vector<std::string>& v) { return Build(arrow::StringBuilder(), v); }
std::shared_ptr<arrow::Array> BoolArray(const std::vector<bool>& v) {
  arrow::BooleanBuilder builder;
  for (bool b : v) (void)builder.Append(b);
  std::shared_ptr<arrow::Array> out;
  (void)builder.Finish(&out);
  return out;
}
std::shared_ptr<arrow::Array> OptionalDoubleArray(const std::vector<std::optional<double>>& v) {
  return BuildOptional(arrow::DoubleBuilder(), v);
}
std::shared_ptr<arrow::Array> OptionalInt64Array(const std::vector<std::optional<int64_t>>& v) {
  return BuildOptional(arrow::Int64Builder(), v);
}

}  // namespace medallion::transform
