#include "medallion/transform/stream_gold.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <iterator>
#include <limits>
#include <map>

#include "medallion/common/arrow_compute.h"
#include "medallion/common/arrow_status.h"
#include "medallion/delta/data_writer.h"
#include "medallion/delta/log_replay.h"
#include "medallion/delta/predicate.h"
#include "medallion/delta/scan.h"
#include "medallion/ingest/calendar.h"
#include "medallion/transform/features_daily.h"
#include "medallion/transform/gold_aggregate.h"
#include "medallion/transform/gold_columns.h"
#include "medallion/transform/gold_tables.h"
#include "medallion/transform/rfm_scores.h"
#include "medallion/transform/stream_tail.h"

namespace medallion::transform {

namespace {

using Compute = std::function<Result<std::shared_ptr<arrow::Table>>(const std::shared_ptr<arrow::Table>&)>;

struct Step {
  std::string table;
  GoldWriteMode mode;
  Compute compute;
};

Result<std::shared_ptr<arrow::Table>> ScanSilver(delta::Table& silver, const delta::Snapshot& snapshot,
                                                 std::optional<std::pair<int32_t, int32_t>> dates) {
  delta::ScanOptions scan;
  if (dates) {
    MEDALLION_ASSIGN_OR_RETURN(scan.filter,
                               delta::ParsePredicate(fmt::format("event_date >= '{}' AND event_date <= '{}'",
                                                                 ingest::FormatDate(dates->first),
                                                                 ingest::FormatDate(dates->second)),
                                                     *snapshot.schema()));
  }
  return delta::ScanToTable(silver.store(), snapshot, scan);
}

// Tables another writer changed (GoldChangedByOthers): they are recomputed
// for those dates even when they have consumed the newest Silver version.
using ForeignChanges = std::map<std::string, DateChanges>;

// Commits each step whose table has not consumed `target` yet, or that
// another writer changed.
Status RunSteps(const std::vector<Step>& steps, const std::shared_ptr<arrow::Table>& silver_rows,
                const std::string& lake_uri, int64_t target, const ForeignChanges& foreign, OrdersGoldUpdate* out) {
  for (const auto& step : steps) {
    MEDALLION_ASSIGN_OR_RETURN(auto consumed, GoldConsumedVersion(lake_uri, step.table));
    auto changed = foreign.find(step.table);
    const bool changed_by_others = changed != foreign.end() && !changed->second.empty();
    if (consumed.value_or(-1) >= target && !changed_by_others) continue;
    auto rows = step.compute(silver_rows);
    if (!rows.ok()) return rows.status().WithContext(fmt::format("computing gold/{}", step.table));
    MEDALLION_ASSIGN_OR_RETURN(auto commit, CommitGold(lake_uri, step.table, *rows, step.mode, consumed, target));
    out->rows_out += commit.rows;
    if (commit.version >= 0) out->commits.push_back(std::move(commit));
  }
  return Status::OK();
}

// Sums the additive measures of revenue_city_hourly rows (its current rows
// and the aggregate of new Silver rows) by the table's keys.
Result<std::shared_ptr<arrow::Table>> SumCityHours(const std::shared_ptr<arrow::Table>& rows) {
  GroupSpec spec;
  for (const char* key : {"event_date", "hour", "city", "country"}) {
    spec.projections.push_back({key, Col(key)});
    spec.keys.push_back(key);
  }
  for (const char* measure : {"orders", "units", "revenue"}) {
    spec.projections.push_back({measure, Col(measure)});
    spec.aggregations.push_back({"hash_sum", measure, measure});
  }
  return GroupAggregate(rows, spec);
}

}  // namespace

// revenue_city_hourly is the table "visible in Gold" is timed on (as the
// Spark anchor of bench/freshness maintains it), so it is updated on every
// trigger from the new Silver rows alone: their per-hour sums are added to
// the day's current rows, a cost that does not grow with the day. Returns
// false when only a recompute will do (no table yet, or Silver rewrote
// rows since the table's txn).
Result<bool> AddToRevenueCityHourly(delta::Table& silver, const delta::Snapshot& snapshot, const std::string& lake_uri,
                                    OrdersGoldUpdate* out, const AddedSilverRows* given) {
  static const std::string kTable = "revenue_city_hourly";
  const int64_t target = snapshot.version();
  MEDALLION_ASSIGN_OR_RETURN(auto gold, OpenGoldIfExists(lake_uri, kTable));
  if (!gold) return false;
  const std::optional<int64_t> consumed = gold->snapshot()->TxnVersion(GoldAppId(kTable));
  if (!consumed) return false;
  // Adding to rows another writer replaced would count what it wrote twice.
  MEDALLION_ASSIGN_OR_RETURN(auto foreign, GoldChangedByOthers(lake_uri, kTable));
  if (!foreign.empty()) return false;
  if (*consumed >= target) return true;
  MEDALLION_ASSIGN_OR_RETURN(bool appends, OnlyAppendedSince(silver, *consumed, target));
  if (!appends) return false;
  std::shared_ptr<arrow::Table> added;
  if (given != nullptr && given->rows && given->from <= *consumed && given->to == target) {
    namespace cp = arrow::compute;
    MEDALLION_ASSIGN_OR_RETURN(
        added, FilterRows(given->rows, cp::greater(cp::field_ref(given->version_column), cp::literal(*consumed))));
  } else {
    MEDALLION_ASSIGN_OR_RETURN(added, ReadAddedRows(silver, snapshot, *consumed, target, "_silver_version"));
  }
  std::shared_ptr<arrow::Table> rows = added;
  if (added->num_rows() > 0) {
    MEDALLION_ASSIGN_OR_RETURN(auto dates, ReadDate32(*added, "event_date"));
    const auto [lo, hi] = std::minmax_element(dates.begin(), dates.end());
    const DateRange range{*lo, *hi};
    MEDALLION_ASSIGN_OR_RETURN(auto fresh, RevenueCityHourly(added, range));
    delta::ScanOptions scan;
    MEDALLION_ASSIGN_OR_RETURN(scan.filter, delta::ParsePredicate(fmt::format("event_date >= '{}' AND event_date <= '{}'",
                                                                              ingest::FormatDate(range.from),
                                                                              ingest::FormatDate(range.to)),
                                                                  *gold->snapshot()->schema()));
    MEDALLION_ASSIGN_OR_RETURN(auto current, delta::ScanToTable(gold->store(), *gold->snapshot(), scan));
    MEDALLION_ASSIGN_OR_RETURN(current, delta::ConformToSchema(current, fresh->schema()));
    MEDALLION_ASSIGN_OR_RETURN(auto both, FromArrow(arrow::ConcatenateTables({current, fresh})));
    MEDALLION_ASSIGN_OR_RETURN(rows, SumCityHours(both));
  } else {
    MEDALLION_ASSIGN_OR_RETURN(rows, RevenueCityHourly(added, DateRange{0, -1}));  // no rows: the txn alone
  }
  MEDALLION_ASSIGN_OR_RETURN(auto commit, CommitGold(lake_uri, kTable, rows, GoldWriteMode::kReplacePartitions,
                                                     consumed, target));
  out->rows_out += commit.rows;
  if (commit.version >= 0) out->commits.push_back(std::move(commit));
  return true;
}

Result<std::shared_ptr<arrow::Table>> WithNumericIds(const std::shared_ptr<arrow::Table>& silver) {
  std::shared_ptr<arrow::Table> out = silver;
  for (const char* name : {"product_id", "customer_id"}) {
    const int index = out->schema()->GetFieldIndex(name);
    if (index < 0 || out->schema()->field(index)->type()->id() != arrow::Type::STRING) continue;
    MEDALLION_ASSIGN_OR_RETURN(auto ids, ReadString(*out, name));
    std::vector<int64_t> numbers(ids.size());
    for (size_t i = 0; i < ids.size(); ++i) {
      const std::string& id = ids[i];
      size_t digits = id.size();
      while (digits > 0 && std::isdigit(static_cast<unsigned char>(id[digits - 1]))) --digits;
      if (digits == id.size() || id.size() - digits > 18) {
        return Status::InvalidArgument(fmt::format("Silver {} '{}' has no numeric part for Gold", name, id));
      }
      numbers[i] = std::stoll(id.substr(digits));
    }
    auto field = arrow::field(name, arrow::int64(), out->schema()->field(index)->nullable());
    MEDALLION_ASSIGN_OR_RETURN_ARROW(out, out->SetColumn(index, field, std::make_shared<arrow::ChunkedArray>(
                                                                           Int64Array(numbers))));
  }
  return out;
}

const std::vector<std::string>& FastOrdersGoldTables() {
  static const std::vector<std::string> names = {"revenue_city_hourly", "revenue_product_daily", "sales_daily",
                                                 "category_daily",      "top_products",          "country_daily",
                                                 "funnel_daily"};
  return names;
}

const std::vector<std::string>& SlowOrdersGoldTables() {
  static const std::vector<std::string> names = {"customer_rfm", "features_daily"};
  return names;
}

Result<OrdersGoldUpdate> UpdateOrdersGold(delta::Table& silver, const std::string& lake_uri, int top_n,
                                          OrdersGoldPass pass, SilverDayCache* cache, const AddedSilverRows* added) {
  MEDALLION_RETURN_IF_ERROR(EnsureArrowComputeReady());
  MEDALLION_ASSIGN_OR_RETURN(auto snapshot, silver.Refresh());
  OrdersGoldUpdate out;
  const int64_t target = snapshot->version();
  out.silver_version = target;
  std::set<std::string> recompute;  // fast tables to recompute for the touched days
  if (pass.hourly) {
    MEDALLION_ASSIGN_OR_RETURN(const bool current, AddToRevenueCityHourly(silver, *snapshot, lake_uri, &out, added));
    if (!current) recompute.insert("revenue_city_hourly");
  }
  if (pass.daily) {
    for (const auto& table : FastOrdersGoldTables()) {
      if (table != "revenue_city_hourly") recompute.insert(table);
    }
  }
  if (recompute.empty() && !pass.slow) return out;
  MEDALLION_ASSIGN_OR_RETURN(auto live, LiveDatePartitions(*snapshot, "event_date"));
  if (live.empty()) return out;  // no Silver rows yet: Gold tables appear with the first ones
  const int32_t last_day = *live.rbegin();

  int64_t consumed = std::numeric_limits<int64_t>::max();
  ForeignChanges foreign;
  for (const auto& table : recompute) {
    MEDALLION_ASSIGN_OR_RETURN(auto version, GoldConsumedVersion(lake_uri, table));
    consumed = std::min(consumed, version.value_or(-1));
    MEDALLION_ASSIGN_OR_RETURN(foreign[table], GoldChangedByOthers(lake_uri, table));
  }
  if (!recompute.empty() && consumed < target) {
    MEDALLION_ASSIGN_OR_RETURN(out.dates, AddedDatePartitions(silver, consumed, target, "event_date"));
  }
  for (const auto& [table, changes] : foreign) {
    if (changes.all) {
      out.dates.insert(live.begin(), live.end());
    } else {
      // Only dates Silver still has: a foreign row of a date Silver never
      // held stays until a full rebuild (nothing here could recompute it).
      for (int32_t d : changes.dates) {
        if (live.count(d)) out.dates.insert(d);
      }
    }
  }
  if (!out.dates.empty()) {
    const DateRange range{*out.dates.begin(), *out.dates.rbegin()};
    const DateRange category_range{range.from, std::min(range.to + 7, last_day)};
    std::shared_ptr<arrow::Table> rows;
    if (cache != nullptr) {
      MEDALLION_ASSIGN_OR_RETURN(rows, cache->Rows(silver, *snapshot, range.from - 7, category_range.to));
    } else {
      MEDALLION_ASSIGN_OR_RETURN(auto scanned,
                                 ScanSilver(silver, *snapshot, std::make_pair(range.from - 7, category_range.to)));
      MEDALLION_ASSIGN_OR_RETURN(rows, WithNumericIds(scanned));
    }
    const std::vector<Step> fast = {
        {"revenue_city_hourly", GoldWriteMode::kReplacePartitions, [&](auto& s) { return RevenueCityHourly(s, range); }},
        {"revenue_product_daily", GoldWriteMode::kReplacePartitions,
         [&](auto& s) { return RevenueProductDaily(s, range); }},
        {"sales_daily", GoldWriteMode::kReplacePartitions, [&](auto& s) { return SalesDaily(s, range); }},
        {"category_daily", GoldWriteMode::kReplacePartitions,
         [&](auto& s) { return CategoryDaily(s, category_range); }},
        {"top_products", GoldWriteMode::kReplacePartitions, [&](auto& s) { return TopProducts(s, range, top_n); }},
        {"country_daily", GoldWriteMode::kReplacePartitions, [&](auto& s) { return CountryDaily(s, range); }},
        {"funnel_daily", GoldWriteMode::kReplacePartitions, [&](auto& s) { return FunnelDaily(s, range); }},
    };
    std::vector<Step> chosen;
    std::copy_if(fast.begin(), fast.end(), std::back_inserter(chosen),
                 [&](const Step& step) { return recompute.count(step.table) > 0; });
    MEDALLION_RETURN_IF_ERROR(RunSteps(chosen, rows, lake_uri, target, foreign, &out));
  }
  if (pass.slow) {
    bool stale = false;
    ForeignChanges slow_foreign;
    for (const auto& table : SlowOrdersGoldTables()) {
      MEDALLION_ASSIGN_OR_RETURN(auto slow_consumed, GoldConsumedVersion(lake_uri, table));
      MEDALLION_ASSIGN_OR_RETURN(slow_foreign[table], GoldChangedByOthers(lake_uri, table));
      stale = stale || slow_consumed.value_or(-1) < target || !slow_foreign[table].empty();
    }
    if (stale) {
      MEDALLION_ASSIGN_OR_RETURN(auto scanned, ScanSilver(silver, *snapshot, std::nullopt));
      MEDALLION_ASSIGN_OR_RETURN(auto all, WithNumericIds(scanned));
      const DateRange everything{*live.begin(), last_day};
      const std::vector<Step> slow = {
          {"customer_rfm", GoldWriteMode::kReplaceAll, [&](auto& s) { return CustomerRfm(s, last_day); }},
          {"features_daily", GoldWriteMode::kReplacePartitions, [&](auto& s) { return FeaturesDaily(s, everything); }},
      };
      MEDALLION_RETURN_IF_ERROR(RunSteps(slow, all, lake_uri, target, slow_foreign, &out));
    }
  }
  return out;
}

}  // namespace medallion::transform
