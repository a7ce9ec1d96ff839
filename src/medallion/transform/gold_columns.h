// Moving columns between Arrow tables and plain vectors, for the Gold steps
// that work row by row on small aggregated tables (growth, ranks, quintiles,
// lags). Reads cast to the wanted type, so int32 and int64 Silver columns both
// work.
#pragma once

#include <arrow/type_fwd.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "medallion/common/result.h"

namespace medallion::transform {

// Null cells read as 0, 0.0, "" or false: callers read only columns that
// their aggregation or Silver's contract makes non-null.
Result<std::vector<int64_t>> ReadInt64(const arrow::Table& table, const std::string& column);
Result<std::vector<int32_t>> ReadDate32(const arrow::Table& table, const std::string& column);
Result<std::vector<double>> ReadDouble(const arrow::Table& table, const std::string& column);
Result<std::vector<std::string>> ReadString(const arrow::Table& table, const std::string& column);
Result<std::vector<bool>> ReadBool(const arrow::Table& table, const std::string& column);

std::shared_ptr<arrow::Array> Int64Array(const std::vector<int64_t>& values);
std::shared_ptr<arrow::Array> Int32Array(const std::vector<int32_t>& values);
std::shared_ptr<arrow::Array> Date32Array(const std::vector<int32_t>& values);
std::shared_ptr<arrow::Array> DoubleArray(const std::vector<double>& values);
std::shared_ptr<arrow::Array> StringArray(const std::vector<std::string>& values);
std::shared_ptr<arrow::Array> BoolArray(const std::vector<bool>& values);
std::shared_ptr<arrow::Array> OptionalDoubleArray(const std::vector<std::optional<double>>& values);
std::shared_ptr<arrow::Array> OptionalInt64Array(const std::vector<std::optional<int64_t>>& values);

}  // namespace medallion::transform
