// File formats the table commands read and print: Parquet, CSV and JSON lines
// in; a text grid, CSV or JSON lines out.
#pragma once

#include <arrow/type_fwd.h>

#include <iosfwd>
#include <memory>
#include <string>

#include "medallion/common/result.h"

namespace medallion::cli {

// Reads a whole .parquet, .csv or .jsonl/.json (newline-delimited) file.
Result<std::shared_ptr<arrow::Table>> ReadInputFile(const std::string& path);

// Writes rows as "table" (aligned text), "csv" (with header) or "json" (one
// object per line; timestamps ISO-8601 UTC).
class RowPrinter {
 public:
  RowPrinter(std::ostream& out, std::string format) : out_(out), format_(std::move(format)) {}
  Status Print(const arrow::Table& rows);
  Status Finish();

 private:
  std::ostream& out_;
  std::string format_;
  bool header_done_ = false;
  std::shared_ptr<arrow::Table> buffered_;  // "table" format aligns columns over all rows
};

}  // namespace medallion::cli
