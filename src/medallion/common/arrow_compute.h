#pragma once

#include <arrow/compute/expression.h>
#include <arrow/type_fwd.h>

#include <memory>

#include "medallion/common/result.h"
#include "medallion/common/status.h"

namespace medallion {

// Arrow >= 21 registers most compute kernels (min_max, cast, filter...) only
// when asked; every module that calls arrow::compute goes through this once.
Status EnsureArrowComputeReady();

// The rows of `table` for which `keep` (a boolean expression over its
// columns) is true.
Result<std::shared_ptr<arrow::Table>> FilterRows(const std::shared_ptr<arrow::Table>& table,
                                                 const arrow::compute::Expression& keep);

}  // namespace medallion
