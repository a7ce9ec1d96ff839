// Whole-file Parquet reads and writes on the local filesystem, for feature
// rows and predictions exchanged with other tools (the interop tests, pandas).
// Lake tables go through delta:: instead.
#pragma once

#include <memory>
#include <string>

#include "medallion/common/result.h"

namespace arrow {
class Table;
}

namespace medallion::ml {

Result<std::shared_ptr<arrow::Table>> ReadParquetFile(const std::string& path);
Status WriteParquetFile(const arrow::Table& table, const std::string& path);

}  // namespace medallion::ml
