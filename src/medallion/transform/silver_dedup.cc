#include "medallion/transform/silver_dedup.h"

#include <arrow/api.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "medallion/delta/predicate.h"
#include "medallion/delta/scan.h"
#include "medallion/delta/snapshot.h"
#include "medallion/transform/silver_schema.h"

namespace medallion::transform {

namespace {

std::string DateText(int64_t micros) {
  using namespace std::chrono;
  const year_month_day ymd{floor<days>(sys_time<microseconds>(microseconds(micros)))};
  return fmt::format("{:04d}-{:02d}-{:02d}", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                     static_cast<unsigned>(ymd.day()));
}

// Calls `each(event_id, event_time)` for the Silver rows matching `where`.
template <typename Fn>
Status ScanIds(storage::ObjectStore& store, const delta::Snapshot& snapshot, const std::string& where, Fn each) {
  delta::ScanOptions options;
  options.columns = {"event_id", "event_time"};
  MEDALLION_ASSIGN_OR_RETURN(options.filter, delta::ParsePredicate(where, *snapshot.schema()));
  return delta::ScanBatches(store, snapshot, options, [&](const std::shared_ptr<arrow::Table>& table) -> Status {
    auto ids = table->GetColumnByName("event_id");
    auto times = table->GetColumnByName("event_time");
    if (!ids || !times) return Status::Corruption("Silver scan lacks event_id or event_time");
    for (int c = 0; c < ids->num_chunks(); ++c) {
      auto id_chunk = std::static_pointer_cast<arrow::StringArray>(ids->chunk(c));
      auto time_chunk = std::static_pointer_cast<arrow::TimestampArray>(times->chunk(c));
      for (int64_t i = 0; i < id_chunk->length(); ++i) {
        if (id_chunk->IsNull(i) || time_chunk->IsNull(i)) continue;
        each(id_chunk->GetString(i), time_chunk->Value(i));
      }
    }
    return Status::OK();
  });
}

}  // namespace

int64_t DedupState::Floor() const {
  if (high_water_us_ == std::numeric_limits<int64_t>::min()) return high_water_us_;
  return high_water_us_ - horizon_us_;
}

bool DedupState::SeenOrAccept(const std::string& event_id, int64_t event_time_us) {
  auto it = ids_.find(event_id);
  if ((it != ids_.end() && it->second >= Floor()) || pending_ids_.count(event_id)) return true;
  pending_ids_.insert(event_id);
  pending_.emplace_back(event_id, event_time_us);
  return false;
}

void DedupState::Commit() {
  for (const auto& [id, t] : pending_) high_water_us_ = std::max(high_water_us_, t);
  for (auto& [id, t] : pending_) {
    oldest_us_ = std::min(oldest_us_, t);
    // An expired copy of the id may still be stored: the new row replaces it.
    ids_.insert_or_assign(std::move(id), t);
  }
  pending_.clear();
  pending_ids_.clear();
  MaybeSweep();
}

void DedupState::Abort() {
  pending_.clear();
  pending_ids_.clear();
}

size_t DedupState::size() const {
  const int64_t floor = Floor();
  if (oldest_us_ >= floor) return ids_.size();
  return static_cast<size_t>(std::count_if(ids_.begin(), ids_.end(), [floor](const auto& e) { return e.second >= floor; }));
}

void DedupState::MaybeSweep() {
  const int64_t floor = Floor();
  if (floor == std::numeric_limits<int64_t>::min() || oldest_us_ >= floor - horizon_us_ / 4) return;
  std::erase_if(ids_, [floor](const auto& entry) { return entry.second < floor; });
  oldest_us_ = std::numeric_limits<int64_t>::max();
  for (const auto& [id, t] : ids_) oldest_us_ = std::min(oldest_us_, t);
}

Result<DedupState> DedupState::LoadFromSilver(storage::ObjectStore& store, const delta::Snapshot& snapshot,
                                              int64_t horizon_us) {
  DedupState state(horizon_us);
  // The newest event_date partition holds the high water mark; only it is
  // read to find it exactly (file stats truncate timestamps to ms).
  std::optional<std::string> newest_date;
  for (const auto& [path, add] : snapshot.files()) {
    auto it = add.partition_values.find(kSilverPartitionColumn);
    if (it == add.partition_values.end() || !it->second) continue;
    if (!newest_date || *it->second > *newest_date) newest_date = *it->second;
  }
  if (!newest_date) return state;
  MEDALLION_RETURN_IF_ERROR(ScanIds(store, snapshot, fmt::format("{} = '{}'", kSilverPartitionColumn, *newest_date),
                                    [&](std::string_view, int64_t t) {
                                      state.high_water_us_ = std::max(state.high_water_us_, t);
                                    }));
  if (state.high_water_us_ == std::numeric_limits<int64_t>::min()) return state;
  const int64_t floor = state.high_water_us_ - horizon_us;
  MEDALLION_RETURN_IF_ERROR(ScanIds(store, snapshot, fmt::format("{} >= '{}'", kSilverPartitionColumn, DateText(floor)),
                                    [&](std::string_view id, int64_t t) {
                                      if (t < floor) return;
                                      state.ids_.emplace(std::string(id), t);
                                      state.oldest_us_ = std::min(state.oldest_us_, t);
                                    }));
  return state;
}

}  // namespace medallion::transform
