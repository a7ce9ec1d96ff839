// The benchmark's input: retail events that bench/retail_events.py wrote to
// Parquet, loaded whole into memory so that only the Delta write is timed.
#pragma once

#include <arrow/type_fwd.h>

#include <memory>
#include <string>

#include "medallion/common/result.h"

namespace medallion::bench {

Result<std::shared_ptr<arrow::Table>> LoadEventsTable(const std::string& parquet_path);

}  // namespace medallion::bench
