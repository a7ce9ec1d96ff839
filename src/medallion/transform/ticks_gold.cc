#include "medallion/transform/ticks_gold.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <fmt/format.h>

#include <map>

#include "medallion/common/arrow_status.h"
#include "medallion/delta/predicate.h"
#include "medallion/ingest/calendar.h"
#include "medallion/transform/gold_columns.h"
#include "medallion/transform/stream_gold_writer.h"
#include "medallion/transform/stream_tail.h"
#include "medallion/transform/ticks_features.h"

namespace medallion::transform {

namespace {

constexpr const char* kTable = "tick_features";
constexpr int64_t kMicrosPerDay = 86'400'000'000LL;

Result<std::shared_ptr<arrow::Table>> ScanDates(delta::Table& silver, const delta::Snapshot& snapshot, int32_t from,
                                                int32_t to) {
  delta::ScanOptions scan;
  scan.columns = {"symbol", "ts", "price", "volume"};
  MEDALLION_ASSIGN_OR_RETURN(scan.filter, delta::ParsePredicate(fmt::format("event_date >= '{}' AND event_date <= '{}'",
                                                                            ingest::FormatDate(from),
                                                                            ingest::FormatDate(to)),
                                                                *snapshot.schema()));
  return delta::ScanToTable(silver.store(), snapshot, scan);
}

Result<std::map<std::string, int64_t>> CountBySymbol(const arrow::Table& ticks) {
  MEDALLION_ASSIGN_OR_RETURN(auto symbols, ReadString(ticks, "symbol"));
  std::map<std::string, int64_t> counts;
  for (auto& s : symbols) counts[s]++;
  return counts;
}

}  // namespace

Result<std::shared_ptr<arrow::Table>> TickFeaturesForDates(delta::Table& silver_ticks, const delta::Snapshot& snapshot,
                                                           int32_t from, int32_t to, int64_t lookback_ticks) {
  MEDALLION_ASSIGN_OR_RETURN(auto in_range, ScanDates(silver_ticks, snapshot, from, to));
  MEDALLION_ASSIGN_OR_RETURN(auto needed, CountBySymbol(*in_range));
  for (auto& [symbol, count] : needed) count = lookback_ticks;

  // Whole earlier days, newest first, until every symbol has its lookback.
  std::vector<std::shared_ptr<arrow::Table>> parts = {in_range};
  MEDALLION_ASSIGN_OR_RETURN(auto live, LiveDatePartitions(snapshot, "event_date"));
  for (auto it = std::make_reverse_iterator(live.lower_bound(from)); it != live.rend() && !needed.empty(); ++it) {
    MEDALLION_ASSIGN_OR_RETURN(auto day, ScanDates(silver_ticks, snapshot, *it, *it));
    MEDALLION_ASSIGN_OR_RETURN(auto counts, CountBySymbol(*day));
    for (const auto& [symbol, count] : counts) {
      auto n = needed.find(symbol);
      if (n != needed.end() && (n->second -= count) <= 0) needed.erase(n);
    }
    parts.push_back(std::move(day));
  }
  MEDALLION_ASSIGN_OR_RETURN_ARROW(auto input, arrow::ConcatenateTables(parts));
  MEDALLION_ASSIGN_OR_RETURN(auto features, TickFeatures(input));

  // Keep the rows of from..to, with their event_date.
  MEDALLION_ASSIGN_OR_RETURN(auto ts, ReadInt64(*features, "ts"));
  std::vector<int32_t> days(ts.size());
  arrow::BooleanBuilder keep;
  for (size_t i = 0; i < ts.size(); ++i) {
    const int64_t us = ts[i];
    days[i] = static_cast<int32_t>(us >= 0 ? us / kMicrosPerDay : -((-us + kMicrosPerDay - 1) / kMicrosPerDay));
    MEDALLION_RETURN_IF_ARROW_ERROR(keep.Append(days[i] >= from && days[i] <= to));
  }
  MEDALLION_ASSIGN_OR_RETURN_ARROW(
      features, features->AddColumn(features->num_columns(), arrow::field("event_date", arrow::date32(), false),
                                    std::make_shared<arrow::ChunkedArray>(Date32Array(days))));
  MEDALLION_ASSIGN_OR_RETURN_ARROW(auto mask, keep.Finish());
  MEDALLION_ASSIGN_OR_RETURN_ARROW(auto filtered, arrow::compute::Filter(features, mask));
  return filtered.table();
}

Result<TickFeaturesWrite> UpdateTickFeatures(delta::Table& silver_ticks, const std::string& lake_uri, bool all_dates,
                                             int64_t lookback_ticks) {
  MEDALLION_ASSIGN_OR_RETURN(auto snapshot, silver_ticks.Refresh());
  MEDALLION_ASSIGN_OR_RETURN(auto consumed, GoldConsumedVersion(lake_uri, kTable));
  const int64_t target = snapshot->version();
  TickFeaturesWrite out;
  if (!all_dates && consumed.value_or(-1) >= target) return out;
  MEDALLION_ASSIGN_OR_RETURN(auto live, LiveDatePartitions(*snapshot, "event_date"));
  std::set<int32_t> dates = live;
  if (!all_dates) {
    MEDALLION_ASSIGN_OR_RETURN(dates, AddedDatePartitions(silver_ticks, consumed.value_or(-1), target, "event_date"));
  }
  std::shared_ptr<arrow::Table> rows;
  if (dates.empty()) {
    MEDALLION_ASSIGN_OR_RETURN(auto empty, TickFeaturesForDates(silver_ticks, *snapshot, 1, 0, 0));
    rows = empty;
  } else {
    out.from = *dates.begin();
    out.to = *dates.rbegin();
    // The previous trading day's last ticks get their next_direction now.
    auto previous = live.lower_bound(out.from);
    if (previous != live.begin()) out.from = *std::prev(previous);
    MEDALLION_ASSIGN_OR_RETURN(rows, TickFeaturesForDates(silver_ticks, *snapshot, out.from, out.to, lookback_ticks));
  }
  MEDALLION_ASSIGN_OR_RETURN(auto commit, CommitGold(lake_uri, kTable, rows, GoldWriteMode::kReplacePartitions,
                                                     consumed, target));
  out.rows = commit.rows;
  out.version = commit.version;
  return out;
}

}  // namespace medallion::transform
