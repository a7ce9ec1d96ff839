// Reads a whole Parquet or CSV file into an Arrow table, for batch checks
// (`medallion quality check --input`). Delta tables are read by the delta
// module; this is for loose files.
#pragma once

#include <arrow/type_fwd.h>

#include <memory>
#include <string>

#include "medallion/common/result.h"

namespace medallion::quality {

// By extension: .parquet / .pq, .csv. CSV types are inferred by Arrow; empty
// fields are nulls in every column, as pandas.read_csv reads them.
Result<std::shared_ptr<arrow::Table>> ReadTableFile(const std::string& path);

}  // namespace medallion::quality
