#include "medallion/transform/stream_tail.h"

#include <arrow/api.h>
#include <fmt/format.h>

#include <algorithm>
#include <variant>

#include "medallion/common/arrow_status.h"
#include "medallion/delta/log_replay.h"
#include "medallion/transform/gold_job.h"

namespace medallion::transform {

namespace {

// A data-changing remove: rows the table had are replaced (or gone).
bool RemovesRows(const std::vector<delta::Action>& commit) {
  return std::any_of(commit.begin(), commit.end(), [](const delta::Action& action) {
    const auto* remove = std::get_if<delta::RemoveFile>(&action);
    return remove != nullptr && remove->data_change;
  });
}

// Calls `visit` for each data-changing add of versions (from, to]; with
// `skipped_rewrites`, not for those of commits that rewrite rows.
template <typename Visit>
Status ForEachAdd(delta::Table& table, int64_t from_exclusive, int64_t to_inclusive, Visit visit,
                  std::vector<int64_t>* skipped_rewrites = nullptr) {
  for (int64_t v = from_exclusive + 1; v <= to_inclusive; ++v) {
    auto actions = delta::ReadCommit(table.store(), v);
    if (!actions.ok()) return actions.status().WithContext(fmt::format("{} version {}", table.uri(), v));
    if (skipped_rewrites != nullptr && RemovesRows(*actions)) {
      skipped_rewrites->push_back(v);
      continue;
    }
    for (const auto& action : *actions) {
      const auto* add = std::get_if<delta::AddFile>(&action);
      if (add == nullptr || !add->data_change) continue;
      MEDALLION_RETURN_IF_ERROR(visit(v, *add));
    }
  }
  return Status::OK();
}

Status InsertDate(const delta::PartitionValues& values, const std::string& column, const std::string& where,
                  std::set<int32_t>* dates) {
  auto it = values.find(column);
  if (it == values.end() || !it->second) {
    return Status::Corruption(fmt::format("{}: no value for partition column '{}'", where, column));
  }
  auto day = ParseIsoDate(*it->second);
  if (!day.ok()) return day.status().WithContext(where);
  dates->insert(*day);
  return Status::OK();
}

}  // namespace

Result<std::shared_ptr<arrow::Table>> ReadAddedRows(delta::Table& table, const delta::Snapshot& snapshot,
                                                    int64_t from_exclusive, int64_t to_inclusive,
                                                    const std::string& version_column,
                                                    std::vector<int64_t>* skipped_rewrites) {
  auto version_field = arrow::field(version_column, arrow::int64(), false);
  MEDALLION_ASSIGN_OR_RETURN_ARROW(auto schema,
                                   snapshot.schema()->AddField(snapshot.schema()->num_fields(), version_field));
  std::vector<std::shared_ptr<arrow::Table>> parts;
  Status st = ForEachAdd(table, from_exclusive, to_inclusive, [&](int64_t v, const delta::AddFile& add) -> Status {
    auto data = delta::ReadDataFile(table.store(), snapshot, add);
    if (!data.ok()) return data.status().WithContext(fmt::format("{} version {} file {}", table.uri(), v, add.path));
    MEDALLION_ASSIGN_OR_RETURN_ARROW(auto versions, arrow::MakeArrayFromScalar(arrow::Int64Scalar(v), (*data)->num_rows()));
    MEDALLION_ASSIGN_OR_RETURN_ARROW(auto tagged, (*data)->AddColumn((*data)->num_columns(), version_field,
                                                                     std::make_shared<arrow::ChunkedArray>(versions)));
    parts.push_back(std::move(tagged));
    return Status::OK();
  }, skipped_rewrites);
  MEDALLION_RETURN_IF_ERROR(st);
  if (parts.empty()) return FromArrow(arrow::Table::MakeEmpty(schema));
  return FromArrow(arrow::ConcatenateTables(parts));
}

Result<std::set<int32_t>> AddedDatePartitions(delta::Table& table, int64_t from_exclusive, int64_t to_inclusive,
                                              const std::string& column) {
  std::set<int32_t> dates;
  MEDALLION_RETURN_IF_ERROR(ForEachAdd(table, from_exclusive, to_inclusive, [&](int64_t v, const delta::AddFile& add) {
    return InsertDate(add.partition_values, column, fmt::format("{} version {} file {}", table.uri(), v, add.path),
                      &dates);
  }));
  return dates;
}

bool RewritesRows(const std::vector<delta::Action>& commit) {
  return RemovesRows(commit) || std::any_of(commit.begin(), commit.end(), [](const delta::Action& action) {
           return std::holds_alternative<delta::Metadata>(action);
         });
}

Result<bool> OnlyAppendedSince(delta::Table& table, int64_t from_exclusive, int64_t to_inclusive) {
  for (int64_t v = from_exclusive + 1; v <= to_inclusive; ++v) {
    auto actions = delta::ReadCommit(table.store(), v);
    if (!actions.ok()) return actions.status().WithContext(fmt::format("{} version {}", table.uri(), v));
    if (RewritesRows(*actions)) return false;
  }
  return true;
}

void AddChangedDates(const std::vector<delta::Action>& commit, const std::string& column, const std::string& where,
                     DateChanges* out) {
  // A file another writer put there without a usable date (no such
  // partition, a null or malformed value) cannot be narrowed to dates.
  auto add_date = [&](const delta::PartitionValues& values) {
    if (!InsertDate(values, column, where, &out->dates).ok()) out->all = true;
  };
  for (const auto& action : commit) {
    if (std::holds_alternative<delta::Metadata>(action)) {
      out->all = true;
    } else if (const auto* add = std::get_if<delta::AddFile>(&action); add && add->data_change) {
      add_date(add->partition_values);
    } else if (const auto* remove = std::get_if<delta::RemoveFile>(&action); remove && remove->data_change) {
      if (!remove->partition_values) {
        out->all = true;
      } else {
        add_date(*remove->partition_values);
      }
    }
  }
}

Result<std::set<int32_t>> LiveDatePartitions(const delta::Snapshot& snapshot, const std::string& column) {
  std::set<int32_t> dates;
  for (const auto& [path, add] : snapshot.files()) {
    MEDALLION_RETURN_IF_ERROR(InsertDate(add.partition_values, column, path, &dates));
  }
  return dates;
}

}  // namespace medallion::transform
