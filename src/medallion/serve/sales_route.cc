// GET /api/v1/sales: what the dashboard's Sales page draws — revenue by city x
// hour on the latest day, units by product x day over the last `days` days
// (the top 20 products by units), category growth and the top 10 countries
// over the same days, and daily totals.
#include <algorithm>
#include <map>

#include "medallion/serve/data_routes.h"
#include "medallion/serve/gold_summaries.h"
#include "medallion/serve/route_support.h"

namespace medallion::serve {

namespace {

namespace s = schema;

constexpr size_t kTopProducts = 20;
constexpr size_t kTopCountries = 10;

// gold/revenue_city_hourly keeps the hour as a timestamp truncated to the
// hour; older tables may hold the hour number itself.
int HourOf(const Json& row) {
  auto it = row.find("hour");
  if (it == row.end()) return 0;
  if (it->is_number()) return it->get<int>();
  if (it->is_string()) {
    const std::string text = it->get<std::string>();
    if (text.size() >= 13 && text[10] == 'T') return std::stoi(text.substr(11, 2));
  }
  return 0;
}

Json CityHour(const JsonRows& hourly, const std::string& day) {
  std::map<std::tuple<std::string, std::string, int>, std::pair<double, int64_t>> cells;
  for (const auto& row : hourly) {
    if (TextField(row, "event_date") != day) continue;
    auto& [revenue, orders] = cells[{TextField(row, "city"), TextField(row, "country"), HourOf(row)}];
    revenue += NumberField(row, "revenue").value_or(0);
    orders += static_cast<int64_t>(NumberField(row, "orders").value_or(0));
  }
  Json out = Json::array();
  for (const auto& [key, totals] : cells) {
    out.push_back({{"city", std::get<0>(key)},
                   {"country", std::get<1>(key)},
                   {"hour", std::get<2>(key)},
                   {"revenue", totals.first},
                   {"orders", totals.second}});
  }
  return out;
}

struct ProductDay {
  Json products = Json::array();
  Json cells = Json::array();
};

ProductDay ProductByDay(const JsonRows& sales, const std::string& from, const std::string& to) {
  std::map<std::string, int64_t> units_by_product;
  for (const auto& row : sales) {
    if (!InDateRange(TextField(row, "event_date"), from, to)) continue;
    units_by_product[TextField(row, "product_id")] += static_cast<int64_t>(NumberField(row, "units").value_or(0));
  }
  std::vector<std::pair<std::string, int64_t>> ranked(units_by_product.begin(), units_by_product.end());
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  if (ranked.size() > kTopProducts) ranked.resize(kTopProducts);
  ProductDay out;
  std::map<std::string, bool> top;
  for (const auto& [product, _] : ranked) {
    out.products.push_back(product);
    top[product] = true;
  }
  std::vector<const Json*> rows;
  for (const auto& row : sales) {
    if (InDateRange(TextField(row, "event_date"), from, to) && top.count(TextField(row, "product_id"))) {
      rows.push_back(&row);
    }
  }
  std::sort(rows.begin(), rows.end(), [](const Json* a, const Json* b) {
    std::string da = TextField(*a, "event_date"), db = TextField(*b, "event_date");
    return da != db ? da < db : TextField(*a, "product_id") < TextField(*b, "product_id");
  });
  for (const Json* row : rows) {
    out.cells.push_back({{"event_date", TextField(*row, "event_date")},
                         {"product_id", TextField(*row, "product_id")},
                         {"units", static_cast<int64_t>(NumberField(*row, "units").value_or(0))},
                         {"revenue", NumberField(*row, "revenue").value_or(0)}});
  }
  return out;
}

Json DailyTotals(const JsonRows& sales, const std::string& from, const std::string& to) {
  std::map<std::string, std::tuple<double, int64_t, int64_t>> days;
  for (const auto& row : sales) {
    const std::string date = TextField(row, "event_date");
    if (!InDateRange(date, from, to)) continue;
    auto& [revenue, orders, units] = days[date];
    revenue += NumberField(row, "revenue").value_or(0);
    orders += static_cast<int64_t>(NumberField(row, "orders").value_or(0));
    units += static_cast<int64_t>(NumberField(row, "units").value_or(0));
  }
  Json out = Json::array();
  for (const auto& [date, t] : days) {
    out.push_back({{"event_date", date}, {"revenue", std::get<0>(t)}, {"orders", std::get<1>(t)}, {"units", std::get<2>(t)}});
  }
  return out;
}

Json SalesSchema() {
  return s::Object({
      {"as_of", s::Nullable(s::Date())},
      {"from", s::Nullable(s::Date())},
      {"days", s::Integer()},
      {"city_hour", s::Array(s::Object({{"city", s::String()},
                                         {"country", s::String()},
                                         {"hour", s::Integer()},
                                         {"revenue", s::Number()},
                                         {"orders", s::Integer()}}))},
      {"products", s::Array(s::String())},
      {"product_day", s::Array(s::Object({{"event_date", s::Date()},
                                           {"product_id", s::String()},
                                           {"units", s::Integer()},
                                           {"revenue", s::Number()}}))},
      {"category_growth", s::Array(CategoryGrowthSchema())},
      {"top_countries", s::Array(CountrySchema())},
      {"daily", s::Array(s::Object({{"event_date", s::Date()},
                                     {"revenue", s::Number()},
                                     {"orders", s::Integer()},
                                     {"units", s::Integer()}}))},
      s::MissingProperty(),
  });
}

}  // namespace

Status AddSalesRoutes(Router& router, std::shared_ptr<LakeReader> lake) {
  RouteSpec spec = GetRoute("/api/v1/sales", "sales",
                            "Revenue by city x hour (latest day), product x day, category growth, top countries",
                            "analytics", SalesSchema());
  ParamSpec days = QueryParam("days", ParamType::kInteger, false, "Days of history ending at the latest day (default 14)");
  days.minimum = 1;
  days.maximum = 366;
  spec.params = {days};
  return router.Add(std::move(spec), Guarded([lake](const Request& request) -> Result<Json> {
    const int64_t window = request.params.Int("days").value_or(14);
    Json missing = Json::array();
    MEDALLION_ASSIGN_OR_RETURN(auto sales, ReadOrNote(*lake, "gold/sales_daily", missing));
    MEDALLION_ASSIGN_OR_RETURN(auto hourly, ReadOrNote(*lake, "gold/revenue_city_hourly", missing));
    MEDALLION_ASSIGN_OR_RETURN(auto categories, ReadOrNote(*lake, "gold/category_daily", missing));
    MEDALLION_ASSIGN_OR_RETURN(auto countries, ReadOrNote(*lake, "gold/country_daily", missing));
    std::string to = MaxDate(*sales.rows, "event_date");
    if (to.empty()) to = MaxDate(*hourly.rows, "event_date");
    Json out = {{"as_of", nullptr},        {"from", nullptr},           {"days", window},
                {"city_hour", Json::array()}, {"products", Json::array()}, {"product_day", Json::array()},
                {"category_growth", Json::array()}, {"top_countries", Json::array()}, {"daily", Json::array()},
                {"missing", missing}};
    if (to.empty()) return out;
    const std::string from = ShiftDate(to, -static_cast<int>(window - 1));
    ProductDay product_day = ProductByDay(*sales.rows, from, to);
    out["as_of"] = to;
    out["from"] = from;
    out["city_hour"] = CityHour(*hourly.rows, MaxDate(*hourly.rows, "event_date"));
    out["products"] = std::move(product_day.products);
    out["product_day"] = std::move(product_day.cells);
    out["category_growth"] = CategoryGrowth(*categories.rows, from, to);
    out["top_countries"] = TopCountries(*countries.rows, from, to, kTopCountries);
    out["daily"] = DailyTotals(*sales.rows, from, to);
    return out;
  }));
}

}  // namespace medallion::serve
