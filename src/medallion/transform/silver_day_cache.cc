#include "medallion/transform/silver_day_cache.h"

#include <arrow/api.h>
#include <fmt/format.h>

#include <algorithm>
#include <variant>

#include "medallion/common/arrow_status.h"
#include "medallion/delta/log_replay.h"
#include "medallion/delta/predicate.h"
#include "medallion/delta/scan.h"
#include "medallion/ingest/calendar.h"
#include "medallion/transform/gold_columns.h"
#include "medallion/transform/gold_job.h"
#include "medallion/transform/silver_schema.h"
#include "medallion/transform/stream_gold.h"
#include "medallion/transform/stream_tail.h"

namespace medallion::transform {

namespace {

// Many small pieces (one per Silver commit) slow every kernel down; past
// this many a day is merged into one contiguous table.
constexpr size_t kMaxPiecesPerDay = 32;

Result<std::shared_ptr<arrow::Table>> Merge(const std::vector<std::shared_ptr<arrow::Table>>& pieces) {
  MEDALLION_ASSIGN_OR_RETURN_ARROW(auto joined, arrow::ConcatenateTables(pieces));
  return FromArrow(joined->CombineChunks());
}

// The Silver columns the fast Gold tables (gold_tables.cc) read. Keeping
// only these halves what every per-trigger filter copies (event_id, Kafka
// coordinates and the other strings Gold never looks at).
const std::vector<std::string>& FastGoldColumns() {
  static const std::vector<std::string> names = {"event_type", "event_time",  "event_date", "product_id",
                                                 "customer_id", "category",   "city",       "country",
                                                 "quantity",   "total_amount_usd"};
  return names;
}

Result<std::shared_ptr<arrow::Table>> ForGold(const std::shared_ptr<arrow::Table>& silver) {
  MEDALLION_ASSIGN_OR_RETURN(auto numeric, WithNumericIds(silver));
  std::vector<int> keep;
  for (int i = 0; i < numeric->num_columns(); ++i) {
    const auto& name = numeric->schema()->field(i)->name();
    if (std::find(FastGoldColumns().begin(), FastGoldColumns().end(), name) != FastGoldColumns().end()) {
      keep.push_back(i);
    }
  }
  return FromArrow(numeric->SelectColumns(keep));
}

}  // namespace

Status SilverDayCache::CatchUp(delta::Table& silver, const delta::Snapshot& snapshot) {
  const int64_t target = snapshot.version();
  if (target < version_) days_.clear();  // the table was replaced under us
  for (int64_t v = version_ + 1; version_ >= 0 && v <= target && !days_.empty(); ++v) {
    auto actions = delta::ReadCommit(silver.store(), v);
    if (!actions.ok()) return actions.status().WithContext(fmt::format("{} version {}", silver.uri(), v));
    if (RewritesRows(*actions)) {
      days_.clear();
      break;
    }
    for (const auto& action : *actions) {
      const auto* add = std::get_if<delta::AddFile>(&action);
      if (add == nullptr || !add->data_change) continue;
      auto date = add->partition_values.find(kSilverPartitionColumn);
      if (date == add->partition_values.end() || !date->second) {
        return Status::Corruption(fmt::format("{} version {} file {}: no {} partition value", silver.uri(), v,
                                              add->path, kSilverPartitionColumn));
      }
      auto day = ParseIsoDate(*date->second);
      if (!day.ok()) return day.status().WithContext(fmt::format("{} version {} file {}", silver.uri(), v, add->path));
      auto cached = days_.find(*day);
      if (cached == days_.end()) continue;  // scanned whole when first asked for
      auto data = delta::ReadDataFile(silver.store(), snapshot, *add);
      if (!data.ok()) return data.status().WithContext(fmt::format("{} version {} file {}", silver.uri(), v, add->path));
      MEDALLION_ASSIGN_OR_RETURN(auto rows, ForGold(*data));
      cached->second.push_back(std::move(rows));
      if (cached->second.size() > kMaxPiecesPerDay) {
        MEDALLION_ASSIGN_OR_RETURN(auto merged, Merge(cached->second));
        cached->second = {std::move(merged)};
      }
    }
  }
  version_ = target;
  return Status::OK();
}

Result<std::shared_ptr<arrow::Table>> SilverDayCache::Rows(delta::Table& silver, const delta::Snapshot& snapshot,
                                                           int32_t from, int32_t to) {
  MEDALLION_RETURN_IF_ERROR(CatchUp(silver, snapshot));
  std::erase_if(days_, [&](const auto& day) { return day.first < from || day.first > to; });
  std::vector<std::shared_ptr<arrow::Table>> pieces;
  for (int32_t day = from; day <= to; ++day) {
    auto& cached = days_[day];
    if (cached.empty()) {
      delta::ScanOptions scan;
      MEDALLION_ASSIGN_OR_RETURN(scan.filter,
                                 delta::ParsePredicate(fmt::format("{} = '{}'", kSilverPartitionColumn,
                                                                   ingest::FormatDate(day)),
                                                       *snapshot.schema()));
      MEDALLION_ASSIGN_OR_RETURN(auto scanned, delta::ScanToTable(silver.store(), snapshot, scan));
      MEDALLION_ASSIGN_OR_RETURN(auto rows, ForGold(scanned));
      cached.push_back(std::move(rows));
    }
    pieces.insert(pieces.end(), cached.begin(), cached.end());
  }
  return FromArrow(arrow::ConcatenateTables(pieces));  // zero copy: chunks are shared
}

}  // namespace medallion::transform
