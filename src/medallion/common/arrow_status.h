// Bridges arrow::Status / arrow::Result into medallion's error values, so Arrow
// calls can be used with the MEDALLION_* macros.
#pragma once

#include <arrow/result.h>
#include <arrow/status.h>

#include "medallion/common/result.h"

namespace medallion {

Status FromArrow(const arrow::Status& s);

template <typename T>
Result<T> FromArrow(arrow::Result<T>&& r) {
  if (!r.ok()) return FromArrow(r.status());
  return std::move(r).ValueUnsafe();
}

}  // namespace medallion

#define MEDALLION_RETURN_IF_ARROW_ERROR(expr) MEDALLION_RETURN_IF_ERROR(::medallion::FromArrow(expr))
#define MEDALLION_ASSIGN_OR_RETURN_ARROW(lhs, rexpr) MEDALLION_ASSIGN_OR_RETURN(lhs, ::medallion::FromArrow(rexpr))
