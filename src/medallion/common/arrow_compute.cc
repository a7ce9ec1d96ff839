#include "medallion/common/arrow_compute.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <arrow/compute/initialize.h>

#include "medallion/common/arrow_status.h"

namespace medallion {

Status EnsureArrowComputeReady() {
  static const Status status = FromArrow(arrow::compute::Initialize());
  return status;
}

Result<std::shared_ptr<arrow::Table>> FilterRows(const std::shared_ptr<arrow::Table>& table,
                                                 const arrow::compute::Expression& keep) {
  namespace cp = arrow::compute;
  MEDALLION_RETURN_IF_ERROR(EnsureArrowComputeReady());
  MEDALLION_ASSIGN_OR_RETURN_ARROW(auto bound, keep.Bind(*table->schema()));
  MEDALLION_ASSIGN_OR_RETURN_ARROW(auto batch, table->CombineChunksToBatch());
  MEDALLION_ASSIGN_OR_RETURN_ARROW(arrow::Datum mask, cp::ExecuteScalarExpression(bound, cp::ExecBatch(*batch)));
  MEDALLION_ASSIGN_OR_RETURN_ARROW(arrow::Datum kept, cp::Filter(table, mask));
  return kept.table();
}

}  // namespace medallion
