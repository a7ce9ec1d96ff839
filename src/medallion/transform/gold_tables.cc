#include "medallion/transform/gold_tables.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

#include "medallion/common/arrow_status.h"
#include "medallion/transform/gold_aggregate.h"
#include "medallion/transform/gold_columns.h"

namespace medallion::transform {

namespace cp = arrow::compute;

namespace {

const auto kInt64 = arrow::int64();
const auto kDouble = arrow::float64();

cp::Expression IsOrder() { return EventTypeIs("order_created"); }

NamedExpression Keep(const std::string& column) { return {column, Col(column)}; }
NamedExpression KeepAs(const std::string& column, const std::shared_ptr<arrow::DataType>& type) {
  return {column, CastTo(Col(column), type)};
}

// The order measures every revenue table shares.
void AddOrderMeasures(GroupSpec& spec) {
  spec.projections.push_back({"one", CountIf(cp::literal(true))});
  spec.projections.push_back({"quantity64", CastTo(Col("quantity"), kInt64)});
  spec.projections.push_back({"amount", CastTo(Col("total_amount_usd"), kDouble)});
  spec.aggregations.push_back({"hash_sum", "one", "orders"});
  spec.aggregations.push_back({"hash_sum", "quantity64", "units"});
  spec.aggregations.push_back({"hash_sum", "amount", "revenue"});
}

std::optional<double> Ratio(double numerator, double denominator) {
  if (denominator == 0) return std::nullopt;
  return numerator / denominator;
}

std::optional<double> Growth(double now, std::optional<double> before) {
  if (!before || *before == 0) return std::nullopt;
  return (now - *before) / *before;
}

Result<std::shared_ptr<arrow::Table>> AddColumn(const std::shared_ptr<arrow::Table>& table, const std::string& name,
                                                const std::shared_ptr<arrow::Array>& values) {
  return FromArrow(table->AddColumn(table->num_columns(), arrow::field(name, values->type()),
                                    std::make_shared<arrow::ChunkedArray>(values)));
}

Result<std::shared_ptr<arrow::Table>> KeepRows(const std::shared_ptr<arrow::Table>& table, const std::vector<bool>& keep) {
  MEDALLION_ASSIGN_OR_RETURN_ARROW(auto filtered, cp::Filter(table, BoolArray(keep)));
  return filtered.table();
}

}  // namespace

Result<std::shared_ptr<arrow::Table>> RevenueCityHourly(const std::shared_ptr<arrow::Table>& silver, DateRange range) {
  GroupSpec spec;
  spec.filter = cp::and_(DateBetween("event_date", range.from, range.to), IsOrder());
  spec.projections = {Keep("event_date"),
                      {"hour", cp::call("floor_temporal", {Col("event_time")},
                                        cp::RoundTemporalOptions(1, cp::CalendarUnit::HOUR))},
                      Keep("city"),
                      Keep("country")};
  spec.keys = {"event_date", "hour", "city", "country"};
  AddOrderMeasures(spec);
  return GroupAggregate(silver, spec);
}

Result<std::shared_ptr<arrow::Table>> RevenueProductDaily(const std::shared_ptr<arrow::Table>& silver,
                                                          DateRange range) {
  GroupSpec spec;
  spec.filter = cp::and_(DateBetween("event_date", range.from, range.to), IsOrder());
  spec.projections = {Keep("event_date"), KeepAs("product_id", kInt64), Keep("category")};
  spec.keys = {"event_date", "product_id", "category"};
  AddOrderMeasures(spec);
  return GroupAggregate(silver, spec);
}

Result<std::shared_ptr<arrow::Table>> SalesDaily(const std::shared_ptr<arrow::Table>& silver, DateRange range) {
  GroupSpec spec;
  auto is_cancel = EventTypeIs("order_cancelled");
  spec.filter = cp::and_(DateBetween("event_date", range.from, range.to), cp::or_(IsOrder(), is_cancel));
  spec.projections = {Keep("event_date"),
                      KeepAs("product_id", kInt64),
                      {"units_if_order", ValueIf(IsOrder(), Col("quantity"), kInt64)},
                      {"revenue_if_order", ValueIf(IsOrder(), Col("total_amount_usd"), kDouble)},
                      {"is_order", CountIf(IsOrder())},
                      {"is_cancel", CountIf(is_cancel)}};
  spec.keys = {"event_date", "product_id"};
  spec.aggregations = {{"hash_sum", "units_if_order", "units"},
                       {"hash_sum", "revenue_if_order", "revenue"},
                       {"hash_sum", "is_order", "orders"},
                       {"hash_sum", "is_cancel", "cancellations"}};
  return GroupAggregate(silver, spec);
}

Result<std::shared_ptr<arrow::Table>> CategoryDaily(const std::shared_ptr<arrow::Table>& silver, DateRange range) {
  GroupSpec spec;
  spec.filter = cp::and_(DateBetween("event_date", range.from - 7, range.to), IsOrder());
  spec.projections = {Keep("event_date"), Keep("category")};
  spec.keys = {"event_date", "category"};
  AddOrderMeasures(spec);
  MEDALLION_ASSIGN_OR_RETURN(auto daily, GroupAggregate(silver, spec));
  MEDALLION_ASSIGN_OR_RETURN(auto dates, ReadDate32(*daily, "event_date"));
  MEDALLION_ASSIGN_OR_RETURN(auto categories, ReadString(*daily, "category"));
  MEDALLION_ASSIGN_OR_RETURN(auto revenue, ReadDouble(*daily, "revenue"));
  std::map<std::pair<std::string, int32_t>, double> revenue_by_day;
  for (size_t i = 0; i < dates.size(); ++i) revenue_by_day[{categories[i], dates[i]}] = revenue[i];
  auto revenue_on = [&](const std::string& category, int32_t day) -> std::optional<double> {
    auto it = revenue_by_day.find({category, day});
    if (it == revenue_by_day.end()) return std::nullopt;
    return it->second;
  };
  std::vector<std::optional<double>> prev_day, dod, prev_week, wow;
  std::vector<bool> keep;
  for (size_t i = 0; i < dates.size(); ++i) {
    prev_day.push_back(revenue_on(categories[i], dates[i] - 1));
    dod.push_back(Growth(revenue[i], prev_day.back()));
    prev_week.push_back(revenue_on(categories[i], dates[i] - 7));
    wow.push_back(Growth(revenue[i], prev_week.back()));
    keep.push_back(range.Contains(dates[i]));
  }
  MEDALLION_ASSIGN_OR_RETURN(daily, AddColumn(daily, "revenue_prev_day", OptionalDoubleArray(prev_day)));
  MEDALLION_ASSIGN_OR_RETURN(daily, AddColumn(daily, "revenue_dod_growth", OptionalDoubleArray(dod)));
  MEDALLION_ASSIGN_OR_RETURN(daily, AddColumn(daily, "revenue_prev_week", OptionalDoubleArray(prev_week)));
  MEDALLION_ASSIGN_OR_RETURN(daily, AddColumn(daily, "revenue_wow_growth", OptionalDoubleArray(wow)));
  return KeepRows(daily, keep);
}

Result<std::shared_ptr<arrow::Table>> TopProducts(const std::shared_ptr<arrow::Table>& silver, DateRange range,
                                                  int top_n) {
  MEDALLION_ASSIGN_OR_RETURN(auto sales, SalesDaily(silver, range));
  MEDALLION_ASSIGN_OR_RETURN(auto dates, ReadDate32(*sales, "event_date"));
  MEDALLION_ASSIGN_OR_RETURN(auto products, ReadInt64(*sales, "product_id"));
  MEDALLION_ASSIGN_OR_RETURN(auto revenue, ReadDouble(*sales, "revenue"));
  MEDALLION_ASSIGN_OR_RETURN(auto units, ReadInt64(*sales, "units"));
  MEDALLION_ASSIGN_OR_RETURN(auto orders, ReadInt64(*sales, "orders"));
  std::vector<size_t> rows;
  for (size_t i = 0; i < dates.size(); ++i) {
    if (orders[i] > 0) rows.push_back(i);
  }
  std::sort(rows.begin(), rows.end(), [&](size_t a, size_t b) {
    if (dates[a] != dates[b]) return dates[a] < dates[b];
    if (revenue[a] != revenue[b]) return revenue[a] > revenue[b];
    return products[a] < products[b];
  });
  std::vector<int32_t> out_date, out_rank;
  std::vector<int64_t> out_product, out_units, out_orders;
  std::vector<double> out_revenue;
  int rank = 0;
  for (size_t k = 0; k < rows.size(); ++k) {
    size_t i = rows[k];
    rank = (k > 0 && dates[rows[k - 1]] == dates[i]) ? rank + 1 : 1;
    if (rank > top_n) continue;
    out_date.push_back(dates[i]);
    out_rank.push_back(rank);
    out_product.push_back(products[i]);
    out_revenue.push_back(revenue[i]);
    out_units.push_back(units[i]);
    out_orders.push_back(orders[i]);
  }
  auto schema = arrow::schema({arrow::field("event_date", arrow::date32()), arrow::field("rank", arrow::int32()),
                               arrow::field("product_id", arrow::int64()), arrow::field("revenue", arrow::float64()),
                               arrow::field("units", arrow::int64()), arrow::field("orders", arrow::int64())});
  return arrow::Table::Make(schema, {Date32Array(out_date), Int32Array(out_rank), Int64Array(out_product),
                                     DoubleArray(out_revenue), Int64Array(out_units), Int64Array(out_orders)});
}

Result<std::shared_ptr<arrow::Table>> CountryDaily(const std::shared_ptr<arrow::Table>& silver, DateRange range) {
  GroupSpec spec;
  spec.filter = cp::and_(DateBetween("event_date", range.from, range.to), IsOrder());
  spec.projections = {Keep("event_date"), Keep("country"), KeepAs("customer_id", kInt64)};
  spec.keys = {"event_date", "country"};
  AddOrderMeasures(spec);
  spec.aggregations.push_back({"hash_count_distinct", "customer_id", "customers"});
  MEDALLION_ASSIGN_OR_RETURN(auto daily, GroupAggregate(silver, spec));
  MEDALLION_ASSIGN_OR_RETURN(auto orders, ReadInt64(*daily, "orders"));
  MEDALLION_ASSIGN_OR_RETURN(auto revenue, ReadDouble(*daily, "revenue"));
  std::vector<double> aov;
  for (size_t i = 0; i < orders.size(); ++i) aov.push_back(revenue[i] / static_cast<double>(orders[i]));
  return AddColumn(daily, "avg_order_value", DoubleArray(aov));
}

Result<std::shared_ptr<arrow::Table>> FunnelDaily(const std::shared_ptr<arrow::Table>& silver, DateRange range) {
  GroupSpec spec;
  auto is_view = EventTypeIs("product_viewed");
  auto is_cart = EventTypeIs("add_to_cart");
  spec.filter = cp::and_(DateBetween("event_date", range.from, range.to), cp::or_({is_view, is_cart, IsOrder()}));
  spec.projections = {Keep("event_date"),
                      KeepAs("product_id", kInt64),
                      {"is_view", CountIf(is_view)},
                      {"is_cart", CountIf(is_cart)},
                      {"is_order", CountIf(IsOrder())}};
  spec.keys = {"event_date", "product_id"};
  spec.aggregations = {{"hash_sum", "is_view", "views"},
                       {"hash_sum", "is_cart", "add_to_cart"},
                       {"hash_sum", "is_order", "orders"}};
  MEDALLION_ASSIGN_OR_RETURN(auto daily, GroupAggregate(silver, spec));
  MEDALLION_ASSIGN_OR_RETURN(auto views, ReadInt64(*daily, "views"));
  MEDALLION_ASSIGN_OR_RETURN(auto carts, ReadInt64(*daily, "add_to_cart"));
  MEDALLION_ASSIGN_OR_RETURN(auto orders, ReadInt64(*daily, "orders"));
  std::vector<std::optional<double>> view_to_cart, cart_to_order, view_to_order;
  for (size_t i = 0; i < views.size(); ++i) {
    view_to_cart.push_back(Ratio(carts[i], views[i]));
    cart_to_order.push_back(Ratio(orders[i], carts[i]));
    view_to_order.push_back(Ratio(orders[i], views[i]));
  }
  MEDALLION_ASSIGN_OR_RETURN(daily, AddColumn(daily, "view_to_cart_rate", OptionalDoubleArray(view_to_cart)));
  MEDALLION_ASSIGN_OR_RETURN(daily, AddColumn(daily, "cart_to_order_rate", OptionalDoubleArray(cart_to_order)));
  return AddColumn(daily, "view_to_order_rate", OptionalDoubleArray(view_to_order));
}

}  // namespace medallion::transform
