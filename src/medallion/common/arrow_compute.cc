#include "medallion/common/arrow_compute.h"

#include <arrow/compute/initialize.h>

#include "medallion/common/arrow_status.h"

namespace medallion {

Status EnsureArrowComputeReady() {
  static const Status status = FromArrow(arrow::compute::Initialize());
  return status;
}

}  // namespace medallion
