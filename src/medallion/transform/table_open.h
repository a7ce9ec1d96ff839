// Opening a job's output table, creating it with its schema and partition
// columns on the first run, so a fresh lake needs no separate set-up step.
#pragma once

#include <arrow/type_fwd.h>

#include <memory>
#include <string>
#include <vector>

#include "medallion/common/result.h"
#include "medallion/delta/table.h"

namespace medallion::transform {

// Errors carry the table's URI.
Result<std::shared_ptr<delta::Table>> OpenOrCreateTable(const std::string& uri, std::shared_ptr<arrow::Schema> schema,
                                                        std::vector<std::string> partition_columns);

}  // namespace medallion::transform
