#include "medallion/transform/gold_queries.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <numeric>

#include "medallion/common/arrow_status.h"
#include "medallion/delta/predicate.h"
#include "medallion/delta/table.h"
#include "medallion/ingest/calendar.h"
#include "medallion/storage/object_store.h"
#include "medallion/transform/gold_aggregate.h"
#include "medallion/transform/gold_columns.h"

namespace medallion::transform {

namespace cp = arrow::compute;

namespace {

std::string GoldUri(const std::string& lake, const std::string& table) {
  std::string root = lake;
  while (!root.empty() && root.back() == '/') root.pop_back();
  return root + "/gold/" + table;
}

Result<std::shared_ptr<arrow::Table>> ReadGold(const QueryOptions& options, const std::string& table_name,
                                               const std::string& date_column = "event_date") {
  MEDALLION_ASSIGN_OR_RETURN(auto store, storage::OpenObjectStore(GoldUri(options.lake_uri, table_name)));
  auto table = delta::Table::Open(store);
  if (!table.ok()) {
    if (table.status().IsNotFound()) {
      return Status::NotFound(fmt::format("gold/{} does not exist yet under {}", table_name, options.lake_uri));
    }
    return table.status();
  }
  auto snapshot = (*table)->snapshot();
  delta::ScanOptions scan;
  std::vector<std::string> terms;
  if (options.from) terms.push_back(fmt::format("{} >= '{}'", date_column, ingest::FormatDate(*options.from)));
  if (options.to) terms.push_back(fmt::format("{} <= '{}'", date_column, ingest::FormatDate(*options.to)));
  if (!terms.empty()) {
    MEDALLION_ASSIGN_OR_RETURN(scan.filter,
                               delta::ParsePredicate(fmt::format("{}", fmt::join(terms, " AND ")), *snapshot->schema()));
  }
  return delta::ScanToTable((*table)->store(), *snapshot, scan);
}

std::optional<double> Growth(double now, std::optional<double> before) {
  if (!before || *before == 0) return std::nullopt;
  return (now - *before) / *before;
}

Result<std::shared_ptr<arrow::Table>> DailyRevenueGrowth(const QueryOptions& options) {
  // Growth needs the week before the first day shown.
  QueryOptions wider = options;
  if (wider.from) *wider.from -= 7;
  MEDALLION_ASSIGN_OR_RETURN(auto sales, ReadGold(wider, "sales_daily"));
  GroupSpec spec;
  spec.projections = {{"event_date", Col("event_date")},
                      {"orders", Col("orders")},
                      {"units", Col("units")},
                      {"revenue", Col("revenue")}};
  spec.keys = {"event_date"};
  spec.aggregations = {{"hash_sum", "orders", "orders"}, {"hash_sum", "units", "units"},
                       {"hash_sum", "revenue", "revenue"}};
  MEDALLION_ASSIGN_OR_RETURN(auto daily, GroupAggregate(sales, spec));
  MEDALLION_ASSIGN_OR_RETURN(auto dates, ReadDate32(*daily, "event_date"));
  MEDALLION_ASSIGN_OR_RETURN(auto revenue, ReadDouble(*daily, "revenue"));
  std::map<int32_t, double> by_day;
  for (size_t i = 0; i < dates.size(); ++i) by_day[dates[i]] = revenue[i];
  auto on = [&](int32_t d) -> std::optional<double> {
    auto it = by_day.find(d);
    return it == by_day.end() ? std::nullopt : std::optional<double>(it->second);
  };
  std::vector<std::optional<double>> dod, wow;
  std::vector<bool> keep;
  for (size_t i = 0; i < dates.size(); ++i) {
    dod.push_back(Growth(revenue[i], on(dates[i] - 1)));
    wow.push_back(Growth(revenue[i], on(dates[i] - 7)));
    keep.push_back(!options.from || dates[i] >= *options.from);
  }
  MEDALLION_ASSIGN_OR_RETURN_ARROW(daily, daily->AddColumn(daily->num_columns(), arrow::field("revenue_dod_growth", arrow::float64()),
                                                           std::make_shared<arrow::ChunkedArray>(OptionalDoubleArray(dod))));
  MEDALLION_ASSIGN_OR_RETURN_ARROW(daily, daily->AddColumn(daily->num_columns(), arrow::field("revenue_wow_growth", arrow::float64()),
                                                           std::make_shared<arrow::ChunkedArray>(OptionalDoubleArray(wow))));
  MEDALLION_ASSIGN_OR_RETURN_ARROW(auto filtered, cp::Filter(daily, BoolArray(keep)));
  return filtered.table();
}

Result<std::shared_ptr<arrow::Table>> CategoryGrowth(const QueryOptions& options) {
  MEDALLION_ASSIGN_OR_RETURN(auto table, ReadGold(options, "category_daily"));
  std::vector<int> columns;
  for (const char* name : {"event_date", "category", "revenue", "revenue_dod_growth", "revenue_wow_growth"}) {
    int i = table->schema()->GetFieldIndex(name);
    if (i < 0) return Status::Corruption(fmt::format("gold/category_daily has no column '{}'", name));
    columns.push_back(i);
  }
  MEDALLION_ASSIGN_OR_RETURN_ARROW(table, table->SelectColumns(columns));
  cp::SortOptions sort({cp::SortKey("event_date"), cp::SortKey("category")});
  MEDALLION_ASSIGN_OR_RETURN_ARROW(auto indices, cp::SortIndices(arrow::Datum(table), sort));
  MEDALLION_ASSIGN_OR_RETURN_ARROW(auto sorted, cp::Take(table, indices));
  return sorted.table();
}

Result<std::shared_ptr<arrow::Table>> TopSellers(const QueryOptions& options) {
  MEDALLION_ASSIGN_OR_RETURN(auto sales, ReadGold(options, "sales_daily"));
  GroupSpec spec;
  spec.projections = {{"product_id", Col("product_id")},
                      {"units", Col("units")},
                      {"revenue", Col("revenue")},
                      {"orders", Col("orders")}};
  spec.keys = {"product_id"};
  spec.aggregations = {{"hash_sum", "units", "units"}, {"hash_sum", "revenue", "revenue"},
                       {"hash_sum", "orders", "orders"}};
  MEDALLION_ASSIGN_OR_RETURN(auto totals, GroupAggregate(sales, spec));
  MEDALLION_ASSIGN_OR_RETURN(auto products, ReadInt64(*totals, "product_id"));
  MEDALLION_ASSIGN_OR_RETURN(auto revenue, ReadDouble(*totals, "revenue"));
  std::vector<int64_t> order(products.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
    return revenue[a] != revenue[b] ? revenue[a] > revenue[b] : products[a] < products[b];
  });
  if (options.limit >= 0 && static_cast<int64_t>(order.size()) > options.limit) order.resize(options.limit);
  MEDALLION_ASSIGN_OR_RETURN_ARROW(auto taken, cp::Take(totals, Int64Array(order)));
  auto top = taken.table();
  std::vector<int32_t> rank(order.size());
  std::iota(rank.begin(), rank.end(), 1);
  return FromArrow(top->AddColumn(0, arrow::field("rank", arrow::int32()),
                                  std::make_shared<arrow::ChunkedArray>(Int32Array(rank))));
}

// The first of `candidates` the table has.
Result<std::string> PickColumn(const arrow::Table& table, const std::vector<std::string>& candidates,
                               const std::string& role) {
  for (const auto& c : candidates) {
    if (table.schema()->GetFieldIndex(c) >= 0) return c;
  }
  return Status::InvalidArgument(fmt::format("gold/demand_forecast has no {} column (looked for {})", role,
                                             fmt::join(candidates, ", ")));
}

Result<std::shared_ptr<arrow::Table>> DemandVsActual(const QueryOptions& options) {
  MEDALLION_ASSIGN_OR_RETURN(auto store, storage::OpenObjectStore(GoldUri(options.lake_uri, "demand_forecast")));
  auto opened = delta::Table::Open(store);
  if (!opened.ok()) {
    return Status::NotFound(fmt::format(
        "gold/demand_forecast does not exist yet under {}: run the forecasting step (medallion task predict) first",
        options.lake_uri));
  }
  MEDALLION_ASSIGN_OR_RETURN(auto forecast,
                             delta::ScanToTable((*opened)->store(), *(*opened)->snapshot(), delta::ScanOptions{}));
  MEDALLION_ASSIGN_OR_RETURN(auto date_col, PickColumn(*forecast, {"target_date", "event_date", "date"}, "date"));
  MEDALLION_ASSIGN_OR_RETURN(auto product_col, PickColumn(*forecast, {"product_id", "series_id"}, "product"));
  MEDALLION_ASSIGN_OR_RETURN(auto value_col, PickColumn(*forecast, {"forecast", "point", "prediction", "yhat"}, "forecast"));
  MEDALLION_ASSIGN_OR_RETURN(auto f_dates, ReadDate32(*forecast, date_col));
  MEDALLION_ASSIGN_OR_RETURN(auto f_products, ReadString(*forecast, product_col));
  MEDALLION_ASSIGN_OR_RETURN(auto f_values, ReadDouble(*forecast, value_col));

  MEDALLION_ASSIGN_OR_RETURN(auto sales, ReadGold(options, "sales_daily"));
  MEDALLION_ASSIGN_OR_RETURN(auto s_dates, ReadDate32(*sales, "event_date"));
  MEDALLION_ASSIGN_OR_RETURN(auto s_products, ReadString(*sales, "product_id"));
  MEDALLION_ASSIGN_OR_RETURN(auto s_units, ReadInt64(*sales, "units"));
  std::map<std::pair<int32_t, std::string>, int64_t> actual;
  for (size_t i = 0; i < s_dates.size(); ++i) actual[{s_dates[i], s_products[i]}] = s_units[i];

  std::vector<size_t> rows;
  for (size_t i = 0; i < f_dates.size(); ++i) {
    if ((options.from && f_dates[i] < *options.from) || (options.to && f_dates[i] > *options.to)) continue;
    rows.push_back(i);
  }
  std::sort(rows.begin(), rows.end(), [&](size_t a, size_t b) {
    return f_dates[a] != f_dates[b] ? f_dates[a] < f_dates[b] : f_products[a] < f_products[b];
  });
  std::vector<int32_t> dates;
  std::vector<std::string> products;
  std::vector<double> values;
  std::vector<std::optional<int64_t>> units;
  std::vector<std::optional<double>> error, abs_error;
  for (size_t i : rows) {
    dates.push_back(f_dates[i]);
    products.push_back(f_products[i]);
    values.push_back(f_values[i]);
    auto it = actual.find({f_dates[i], f_products[i]});
    if (it == actual.end()) {
      units.push_back(std::nullopt);
      error.push_back(std::nullopt);
      abs_error.push_back(std::nullopt);
    } else {
      units.push_back(it->second);
      error.push_back(f_values[i] - static_cast<double>(it->second));
      abs_error.push_back(std::abs(*error.back()));
    }
  }
  auto schema = arrow::schema({arrow::field("event_date", arrow::date32()), arrow::field("product_id", arrow::utf8()),
                               arrow::field("forecast", arrow::float64()), arrow::field("actual_units", arrow::int64()),
                               arrow::field("error", arrow::float64()), arrow::field("abs_error", arrow::float64())});
  return arrow::Table::Make(schema, {Date32Array(dates), StringArray(products), DoubleArray(values),
                                     OptionalInt64Array(units), OptionalDoubleArray(error),
                                     OptionalDoubleArray(abs_error)});
}

}  // namespace

const std::vector<std::string>& QueryNames() {
  static const std::vector<std::string> names = {"daily_revenue_growth", "category_growth", "top_sellers",
                                                 "demand_vs_actual"};
  return names;
}

Result<std::shared_ptr<arrow::Table>> RunNamedQuery(const std::string& name, const QueryOptions& options) {
  if (name == "daily_revenue_growth") return DailyRevenueGrowth(options);
  if (name == "category_growth") return CategoryGrowth(options);
  if (name == "top_sellers") return TopSellers(options);
  if (name == "demand_vs_actual") return DemandVsActual(options);
  return Status::InvalidArgument(fmt::format("unknown query '{}' (known: {})", name, fmt::join(QueryNames(), ", ")));
}

}  // namespace medallion::transform
