#include "medallion/quality/row_triage.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>

#include "medallion/common/arrow_status.h"
#include "medallion/quality/arrow_values.h"

namespace medallion::quality {
namespace {

std::string Subject(const ExpectationResult& r) {
  std::string out = r.expectation.Describe();
  if (r.expectation.column) out += " on column '" + *r.expectation.column + "'";
  return out;
}

// Why a whole-batch expectation failed, for every row it takes down.
std::string BatchReason(const ExpectationResult& r) {
  std::string out = "batch violates " + r.expectation.Describe();
  if (r.expectation.column) out += " on column '" + *r.expectation.column + "'";
  if (r.exception_message) return out + ": " + *r.exception_message;
  if (!r.observed_value.is_null()) out += " (observed " + r.observed_value.dump() + ")";
  return out;
}

RowFate Worse(RowFate a, RowFate b) { return static_cast<int>(a) >= static_cast<int>(b) ? a : b; }

RowFate FateOf(Action action) {
  switch (action) {
    case Action::kDrop:
      return RowFate::kDrop;
    case Action::kQuarantine:
      return RowFate::kQuarantine;
    default:
      return RowFate::kKeep;
  }
}

}  // namespace

Status StopStatus(const ValidationResult& result) {
  for (const auto& r : result.results) {
    if (r.success || r.expectation.action != Action::kFail) continue;
    std::string message = "suite '" + result.suite_name + "': " + Subject(r) + " failed (action fail)";
    if (r.exception_message) {
      message += ": " + *r.exception_message;
    } else if (r.unexpected_count) {
      message += ": " + std::to_string(*r.unexpected_count) + " unexpected of " + std::to_string(*r.element_count) +
                 " rows";
      if (r.expectation.mostly < 1.0) message += " (mostly=" + Json(r.expectation.mostly).dump() + ")";
      if (!r.partial_unexpected_list.empty()) message += ", e.g. " + r.partial_unexpected_list[0].dump();
    } else if (!r.observed_value.is_null()) {
      message += ": observed " + r.observed_value.dump();
    }
    return Status::InvalidArgument(message + "; nothing committed");
  }
  return Status::OK();
}

Result<RowTriage> TriageRows(const ValidationResult& result, const arrow::RecordBatch& batch) {
  const int64_t rows = batch.num_rows();
  RowTriage triage;
  triage.fate.assign(rows, RowFate::kKeep);
  triage.failed.resize(rows);
  triage.reasons.resize(rows);
  auto add = [&](int64_t row, const std::string& description, const std::string& reason, Action action) {
    triage.fate[row] = Worse(triage.fate[row], FateOf(action));
    triage.failed[row].push_back(description);
    if (!triage.reasons[row].empty()) triage.reasons[row] += "; ";
    triage.reasons[row] += reason;
  };
  for (const auto& r : result.results) {
    const std::string description = r.expectation.Describe();
    if (r.row_level && !r.exception_message) {
      auto column = batch.GetColumnByName(*r.expectation.column);
      if (column == nullptr) {
        return Status::InvalidArgument("batch has no column '" + *r.expectation.column +
                                       "': is it the batch that was validated?");
      }
      for (int64_t row : r.unexpected_rows) {
        if (row >= rows) return Status::InvalidArgument("validation result does not match the batch (row " + std::to_string(row) + ")");
        add(row, description, *r.expectation.column + "=" + ArrayValueToJson(*column, row).dump() + " violates " + description,
            r.expectation.action);
      }
    } else if (!r.success) {
      const std::string reason = BatchReason(r);
      for (int64_t row = 0; row < rows; ++row) add(row, description, reason, r.expectation.action);
    }
  }
  for (RowFate fate : triage.fate) {
    if (fate == RowFate::kKeep) triage.kept++;
    if (fate == RowFate::kDrop) triage.dropped++;
    if (fate == RowFate::kQuarantine) triage.quarantined++;
  }
  return triage;
}

Result<SplitBatches> SplitByFate(const RowTriage& triage, const std::shared_ptr<arrow::RecordBatch>& batch) {
  if (static_cast<int64_t>(triage.fate.size()) != batch->num_rows()) {
    return Status::InvalidArgument("triage has " + std::to_string(triage.fate.size()) + " rows, batch has " +
                                   std::to_string(batch->num_rows()));
  }
  arrow::BooleanBuilder keep, quarantine;
  arrow::StringBuilder reasons;
  auto failed_values = std::make_shared<arrow::StringBuilder>();
  arrow::ListBuilder failed(arrow::default_memory_pool(), failed_values);
  for (size_t row = 0; row < triage.fate.size(); ++row) {
    MEDALLION_RETURN_IF_ARROW_ERROR(keep.Append(triage.fate[row] == RowFate::kKeep));
    const bool quarantined = triage.fate[row] == RowFate::kQuarantine;
    MEDALLION_RETURN_IF_ARROW_ERROR(quarantine.Append(quarantined));
    if (!quarantined) continue;
    MEDALLION_RETURN_IF_ARROW_ERROR(reasons.Append(triage.reasons[row]));
    MEDALLION_RETURN_IF_ARROW_ERROR(failed.Append());
    for (const auto& description : triage.failed[row]) MEDALLION_RETURN_IF_ARROW_ERROR(failed_values->Append(description));
  }
  MEDALLION_ASSIGN_OR_RETURN_ARROW(auto keep_mask, keep.Finish());
  MEDALLION_ASSIGN_OR_RETURN_ARROW(auto quarantine_mask, quarantine.Finish());
  MEDALLION_ASSIGN_OR_RETURN_ARROW(auto reason_array, reasons.Finish());
  MEDALLION_ASSIGN_OR_RETURN_ARROW(auto failed_array, failed.Finish());

  SplitBatches out;
  out.dropped = triage.dropped;
  MEDALLION_ASSIGN_OR_RETURN_ARROW(arrow::Datum kept, arrow::compute::Filter(batch, keep_mask));
  out.kept = kept.record_batch();
  MEDALLION_ASSIGN_OR_RETURN_ARROW(arrow::Datum quarantined, arrow::compute::Filter(batch, quarantine_mask));
  auto q = quarantined.record_batch();
  MEDALLION_ASSIGN_OR_RETURN_ARROW(q, q->AddColumn(q->num_columns(), arrow::field("failed_expectations", failed_array->type()),
                                                   failed_array));
  MEDALLION_ASSIGN_OR_RETURN_ARROW(q, q->AddColumn(q->num_columns(), arrow::field("quarantine_reason", arrow::utf8()),
                                                   reason_array));
  out.quarantined = q;
  return out;
}

}  // namespace medallion::quality
