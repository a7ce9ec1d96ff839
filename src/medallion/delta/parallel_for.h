// Runs independent CPU-bound tasks on every core: Parquet encoding,
// compression and gathering rows are each single-threaded per call, so the
// writer spreads whole files (and whole columns) over threads instead.
#pragma once

#include <cstddef>
#include <functional>

#include "medallion/common/status.h"

namespace medallion::delta {

// Calls task(0) .. task(n - 1), each once, on up to hardware_concurrency()
// threads (the caller's among them). After a failure no new task starts;
// returns the failure of the lowest-numbered failed task, or OK.
Status ParallelFor(size_t n, const std::function<Status(size_t)>& task);

}  // namespace medallion::delta
