// The per-value tests of the column map expectations, as Arrow compute
// kernels over one column. Each returns a boolean array as long as the
// column: true where the value is unexpected. Values at missing rows (null,
// or NaN in a float column, as pandas sees them) may be anything: the
// validator leaves missing rows out of the denominator, like GE does.
#pragma once

#include <arrow/type_fwd.h>

#include <memory>

#include "medallion/common/result.h"
#include "medallion/quality/expectation.h"

namespace medallion::quality {

// Calls arrow::compute::Initialize() once: Arrow >= 21 registers its compute
// kernels only on request.
Status EnsureArrowComputeReady();

// True where the value is null or NaN: what pandas (and so GE) call missing.
Result<std::shared_ptr<arrow::BooleanArray>> MissingMask(const std::shared_ptr<arrow::Array>& column);

// For every kColumnMap type except expect_column_values_to_not_be_null.
// InvalidArgument names the kwarg when the column cannot be tested that way
// (a regex that does not compile, string bounds on a numeric column...).
Result<std::shared_ptr<arrow::BooleanArray>> UnexpectedMask(const Expectation& expectation,
                                                            const std::shared_ptr<arrow::Array>& column);

}  // namespace medallion::quality
