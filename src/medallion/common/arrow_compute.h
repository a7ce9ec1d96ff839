#pragma once

#include "medallion/common/status.h"

namespace medallion {

// Arrow >= 21 registers most compute kernels (min_max, cast, filter...) only
// when asked; every module that calls arrow::compute goes through this once.
Status EnsureArrowComputeReady();

}  // namespace medallion
