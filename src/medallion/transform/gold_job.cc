#include "medallion/transform/gold_job.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <fmt/format.h>

#include <functional>

#include "medallion/common/arrow_compute.h"
#include "medallion/common/arrow_status.h"
#include "medallion/delta/predicate.h"
#include "medallion/delta/schema.h"
#include "medallion/delta/table.h"
#include "medallion/ingest/calendar.h"
#include "medallion/storage/object_store.h"
#include "medallion/transform/features_daily.h"
#include "medallion/transform/gold_columns.h"
#include "medallion/transform/rfm_scores.h"
#include "medallion/transform/stream_gold.h"

namespace medallion::transform {

namespace {

std::string GoldUri(const std::string& lake, const std::string& table) {
  std::string root = lake;
  while (!root.empty() && root.back() == '/') root.pop_back();
  return root + "/gold/" + table;
}

// Replaces the partitions present in `data` (the whole table when it is not
// partitioned). An empty result still creates the table so readers find it.
Result<GoldTableReport> WriteGold(const std::string& lake, const std::string& name,
                                  const std::shared_ptr<arrow::Table>& data, bool partition_by_date) {
  MEDALLION_ASSIGN_OR_RETURN(auto store, storage::OpenObjectStore(GoldUri(lake, name)));
  delta::CreateOptions create;
  MEDALLION_ASSIGN_OR_RETURN(create.schema, delta::CanonicalSchema(*data->schema()));
  if (partition_by_date) create.partition_columns = {"event_date"};
  create.name = name;
  MEDALLION_ASSIGN_OR_RETURN(auto table, delta::Table::OpenOrCreate(store, create));
  GoldTableReport report{name, data->num_rows(), table->snapshot()->version()};
  if (data->num_rows() == 0) return report;
  auto written = table->OverwritePartitions(data);
  if (!written.ok()) return written.status().WithContext(fmt::format("writing gold/{}", name));
  report.version = written->version;
  return report;
}

Result<std::pair<int32_t, int32_t>> DateBounds(const arrow::Table& silver) {
  MEDALLION_ASSIGN_OR_RETURN(auto dates, ReadDate32(silver, "event_date"));
  if (dates.empty()) return Status::NotFound("Silver has no rows");
  auto [lo, hi] = std::minmax_element(dates.begin(), dates.end());
  return std::make_pair(*lo, *hi);
}

}  // namespace

const std::vector<std::string>& GoldTableNames() {
  static const std::vector<std::string> names = {
      "revenue_city_hourly", "revenue_product_daily", "sales_daily",   "category_daily", "top_products",
      "customer_rfm",        "country_daily",         "funnel_daily", "features_daily"};
  return names;
}

Result<int32_t> ParseIsoDate(const std::string& text) {
  int y = 0;
  unsigned m = 0, d = 0;
  char tail = 0;
  if (std::sscanf(text.c_str(), "%4d-%2u-%2u%c", &y, &m, &d, &tail) != 3 || m < 1 || m > 12 || d < 1 || d > 31) {
    return Status::InvalidArgument(fmt::format("'{}' is not a date (YYYY-MM-DD)", text));
  }
  int32_t days = ingest::DaysFromCivil(y, m, d);
  auto back = ingest::CivilFromDays(days);
  if (back.month != m || back.day != d) return Status::InvalidArgument(fmt::format("'{}' is not a calendar date", text));
  return days;
}

Result<GoldJobReport> RunGoldJob(const GoldJobOptions& options) {
  MEDALLION_RETURN_IF_ERROR(EnsureArrowComputeReady());
  MEDALLION_ASSIGN_OR_RETURN(auto store, storage::OpenObjectStore(options.silver_uri));
  auto opened = delta::Table::Open(store);
  if (!opened.ok()) return opened.status().WithContext(fmt::format("Silver table {}", options.silver_uri));
  auto silver_table = *opened;
  auto snapshot = silver_table->snapshot();
  if (options.from && options.to && *options.from > *options.to) {
    return Status::InvalidArgument(fmt::format("--from {} is after --to {}", ingest::FormatDate(*options.from),
                                               ingest::FormatDate(*options.to)));
  }
  // RFM and features look back over all history, so the scan stops only at `to`.
  delta::ScanOptions scan;
  if (options.to) {
    MEDALLION_ASSIGN_OR_RETURN(scan.filter, delta::ParsePredicate(
                                                fmt::format("event_date <= '{}'", ingest::FormatDate(*options.to)),
                                                *snapshot->schema()));
  }
  MEDALLION_ASSIGN_OR_RETURN(auto scanned, delta::ScanToTable(silver_table->store(), *snapshot, scan));
  // The Gold functions key products and customers by int64 (see WithNumericIds).
  MEDALLION_ASSIGN_OR_RETURN(auto silver, WithNumericIds(scanned));
  GoldJobReport report;
  report.silver_rows = silver->num_rows();
  if (silver->num_rows() == 0) return Status::NotFound(fmt::format("Silver table {} has no rows to aggregate", options.silver_uri));
  MEDALLION_ASSIGN_OR_RETURN(auto bounds, DateBounds(*silver));
  DateRange range{options.from.value_or(bounds.first), options.to.value_or(bounds.second)};
  report.range = range;

  struct Step {
    std::string name;
    bool partitioned;
    std::function<Result<std::shared_ptr<arrow::Table>>()> compute;
  };
  const std::vector<Step> steps = {
      {"revenue_city_hourly", true, [&] { return RevenueCityHourly(silver, range); }},
      {"revenue_product_daily", true, [&] { return RevenueProductDaily(silver, range); }},
      {"sales_daily", true, [&] { return SalesDaily(silver, range); }},
      {"category_daily", true, [&] { return CategoryDaily(silver, range); }},
      {"top_products", true, [&] { return TopProducts(silver, range, options.top_n); }},
      {"customer_rfm", false, [&] { return CustomerRfm(silver, range.to); }},
      {"country_daily", true, [&] { return CountryDaily(silver, range); }},
      {"funnel_daily", true, [&] { return FunnelDaily(silver, range); }},
      {"features_daily", true, [&] { return FeaturesDaily(silver, range); }},
  };
  for (const auto& step : steps) {
    auto computed = step.compute();
    if (!computed.ok()) return computed.status().WithContext(fmt::format("computing gold/{}", step.name));
    MEDALLION_ASSIGN_OR_RETURN(auto written, WriteGold(options.lake_uri, step.name, *computed, step.partitioned));
    report.tables.push_back(written);
  }
  return report;
}

Status AppendLateEvents(const std::string& lake_uri, const std::vector<LateEvent>& late) {
  auto data = LateEventsToTable(late);
  MEDALLION_ASSIGN_OR_RETURN(auto store, storage::OpenObjectStore(GoldUri(lake_uri, "late_events")));
  delta::CreateOptions create;
  MEDALLION_ASSIGN_OR_RETURN(create.schema, delta::CanonicalSchema(*data->schema()));
  create.partition_columns = {"event_date"};
  create.name = "late_events";
  MEDALLION_ASSIGN_OR_RETURN(auto table, delta::Table::OpenOrCreate(store, create));
  if (late.empty()) return Status::OK();
  auto written = table->Append(data);
  return written.ok() ? Status::OK() : written.status().WithContext("appending gold/late_events");
}

}  // namespace medallion::transform
