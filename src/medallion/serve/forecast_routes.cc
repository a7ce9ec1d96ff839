// GET /api/v1/forecast (point forecasts with intervals from
// gold/demand_forecast) and /api/v1/forecast/series (one product's actuals
// against its forecasts, the model versions and the champion's backtest
// metrics: the dashboard's Forecast page).
//
// gold/demand_forecast holds one row per (as_of_date, level, key,
// target_date); a target date is forecast again by every later run, so the
// routes show, per target date, the newest forecast made before that date.
#include <algorithm>
#include <map>

#include <spdlog/spdlog.h>

#include "medallion/serve/data_routes.h"
#include "medallion/serve/model_catalog.h"
#include "medallion/serve/route_support.h"

namespace medallion::serve {

namespace {

namespace s = schema;

constexpr const char* kForecastTable = "gold/demand_forecast";

std::string LevelOf(const Json& row) {
  std::string level = TextField(row, "level");
  return level.empty() ? "product" : level;
}

std::string KeyOf(const Json& row) { return FirstTextField(row, {"key", "product_id", "series_id"}); }

std::string TargetOf(const Json& row) { return FirstTextField(row, {"target_date", "event_date", "date"}); }

// Per target date, the row of the newest run made before it.
std::map<std::string, const Json*> NewestPerTarget(const JsonRows& rows, const std::string& level,
                                                   const std::string& key, const std::string& from,
                                                   const std::string& to) {
  std::map<std::string, const Json*> best;
  for (const auto& row : rows) {
    if (LevelOf(row) != level || (!key.empty() && KeyOf(row) != key)) continue;
    const std::string target = TargetOf(row);
    if (target.empty() || target < from || (!to.empty() && target > to)) continue;
    const std::string as_of = TextField(row, "as_of_date");
    if (!as_of.empty() && as_of >= target) continue;
    auto [it, inserted] = best.try_emplace(target, &row);
    if (!inserted && TextField(*it->second, "as_of_date") < as_of) it->second = &row;
  }
  return best;
}

Json ForecastPoint(const Json& row) {
  auto point = NumberField(row, "forecast");
  if (!point) point = NumberField(row, "point");
  auto version = NumberField(row, "model_version");
  return {{"level", LevelOf(row)},
          {"key", KeyOf(row)},
          {"target_date", TargetOf(row)},
          {"as_of_date", TextField(row, "as_of_date").empty() ? Json() : Json(TextField(row, "as_of_date"))},
          {"horizon", static_cast<int64_t>(NumberField(row, "horizon").value_or(0))},
          {"forecast", NumberOrNull(point)},
          {"lower", NumberOrNull(NumberField(row, "lower"))},
          {"upper", NumberOrNull(NumberField(row, "upper"))},
          {"model_name", TextField(row, "model_name")},
          {"model_version", version ? Json(static_cast<int64_t>(*version)) : Json()}};
}

Json ForecastPointSchema() {
  return s::Object({{"level", s::String()},
                    {"key", s::String()},
                    {"target_date", s::Date()},
                    {"as_of_date", s::Nullable(s::Date())},
                    {"horizon", s::Integer()},
                    {"forecast", s::Nullable(s::Number())},
                    {"lower", s::Nullable(s::Number())},
                    {"upper", s::Nullable(s::Number())},
                    {"model_name", s::String()},
                    {"model_version", s::Nullable(s::Integer())}});
}

Status AddPointForecastRoute(Router& router, std::shared_ptr<LakeReader> lake) {
  RouteSpec spec = GetRoute("/api/v1/forecast", "forecast",
                            "Forecasts with prediction intervals for target dates [date, date + horizon - 1]",
                            "forecast",
                            s::Object({{"level", s::String()},
                                       {"product_id", s::Nullable(s::String())},
                                       {"from", s::Nullable(s::Date())},
                                       {"to", s::Nullable(s::Date())},
                                       {"horizon", s::Integer()},
                                       {"forecasts", s::Array(ForecastPointSchema())},
                                       s::MissingProperty()}));
  ParamSpec product = QueryParam("product_id", ParamType::kString, false, "Product (or category/city key); default all");
  product.max_length = 200;
  ParamSpec date = QueryParam("date", ParamType::kDate, false, "First target date (default: the day after the newest run)");
  ParamSpec horizon = QueryParam("horizon", ParamType::kInteger, false, "Days of targets from `date` (default 7)");
  horizon.minimum = 1;
  horizon.maximum = 28;
  ParamSpec level = QueryParam("level", ParamType::kString, false, "product (default), category or city");
  level.allowed = {"product", "category", "city"};
  spec.params = {product, date, horizon, level};
  return router.Add(std::move(spec), Guarded([lake](const Request& request) -> Result<Json> {
    const std::string key = request.params.String("product_id").value_or("");
    const std::string level = request.params.String("level").value_or("product");
    const int64_t horizon = request.params.Int("horizon").value_or(7);
    Json missing = Json::array();
    MEDALLION_ASSIGN_OR_RETURN(auto rows, ReadOrNote(*lake, kForecastTable, missing));
    std::string from = request.params.String("date").value_or("");
    if (from.empty()) {
      std::string newest = MaxDate(*rows.rows, "as_of_date");
      if (!newest.empty()) from = ShiftDate(newest, 1);
    }
    Json out = {{"level", level},     {"product_id", key.empty() ? Json() : Json(key)},
                {"from", nullptr},    {"to", nullptr},
                {"horizon", horizon}, {"forecasts", Json::array()},
                {"missing", missing}};
    if (from.empty()) return out;
    const std::string to = ShiftDate(from, static_cast<int>(horizon - 1));
    out["from"] = from;
    out["to"] = to;
    // Every key's newest run per target date, ordered by key then date.
    std::map<std::string, std::map<std::string, const Json*>> by_key;
    for (const auto& row : *rows.rows) {
      if (LevelOf(row) == level && (key.empty() || KeyOf(row) == key)) by_key[KeyOf(row)];
    }
    for (auto& [k, targets] : by_key) {
      targets = NewestPerTarget(*rows.rows, level, k, from, to);
      for (const auto& [target, row] : targets) out["forecasts"].push_back(ForecastPoint(*row));
    }
    return out;
  }));
}

Json ModelSummary(const ml::ModelVersion& v, const std::optional<ml::ModelVersion>& champion) {
  Json metrics = Json::parse(v.metrics_json, nullptr, false);
  Json wape;
  if (metrics.is_object() && metrics.contains("overall") && metrics["overall"].is_object() &&
      metrics["overall"].contains("wape") && metrics["overall"]["wape"].is_number()) {
    wape = metrics["overall"]["wape"];
  }
  return {{"version", v.version},
          {"kind", v.kind},
          {"created_at", FormatTimestampMicros(v.created_at_us)},
          {"champion", champion && champion->version == v.version},
          {"wape", wape}};
}

// Products by units over [from, to], most sold first.
std::vector<std::string> RankedProducts(const JsonRows& sales, const std::string& from, const std::string& to) {
  std::map<std::string, double> units;
  for (const auto& row : sales) {
    const std::string date = TextField(row, "event_date");
    if (date >= from && date <= to) units[TextField(row, "product_id")] += NumberField(row, "units").value_or(0);
  }
  std::vector<std::pair<std::string, double>> ranked(units.begin(), units.end());
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::vector<std::string> out;
  for (const auto& [product, _] : ranked) out.push_back(product);
  return out;
}

Status AddSeriesRoute(Router& router, std::shared_ptr<LakeReader> lake, std::shared_ptr<ModelCatalog> models) {
  RouteSpec spec = GetRoute(
      "/api/v1/forecast/series", "forecastSeries",
      "One product's actual units against its forecasts, the model's versions and the champion's backtest metrics",
      "forecast",
      s::Object({{"product_id", s::Nullable(s::String())},
                 {"products", s::Array(s::String())},
                 {"from", s::Nullable(s::Date())},
                 {"to", s::Nullable(s::Date())},
                 {"actuals", s::Array(s::Object({{"event_date", s::Date()}, {"units", s::Number()}, {"revenue", s::Number()}}))},
                 {"forecasts", s::Array(ForecastPointSchema())},
                 {"model", s::String()},
                 {"models", s::Array(s::Object({{"version", s::Integer()},
                                                {"kind", s::String()},
                                                {"created_at", s::DateTime()},
                                                {"champion", s::Boolean()},
                                                {"wape", s::Nullable(s::Number())}}))},
                 {"champion", s::Nullable(ModelVersionSchema())},
                 {"backtest", s::Nullable(s::AnyObject())},
                 s::MissingProperty()}));
  ParamSpec product = QueryParam("product_id", ParamType::kString, false, "Default: the best-selling product");
  product.max_length = 200;
  ParamSpec days = QueryParam("days", ParamType::kInteger, false, "Days of actuals up to the latest day (default 60)");
  days.minimum = 1;
  days.maximum = 730;
  ParamSpec model = QueryParam("model", ParamType::kString, false, "Registered model name (default demand)");
  model.max_length = 200;
  spec.params = {product, days, model};
  return router.Add(std::move(spec), Guarded([lake, models](const Request& request) -> Result<Json> {
    const int64_t days = request.params.Int("days").value_or(60);
    const std::string model_name = request.params.String("model").value_or("demand");
    Json missing = Json::array();
    MEDALLION_ASSIGN_OR_RETURN(auto sales, ReadOrNote(*lake, "gold/sales_daily", missing));
    MEDALLION_ASSIGN_OR_RETURN(auto forecasts, ReadOrNote(*lake, kForecastTable, missing));

    Json out = {{"product_id", nullptr},        {"products", Json::array()}, {"from", nullptr},
                {"to", nullptr},                {"actuals", Json::array()},  {"forecasts", Json::array()},
                {"model", model_name},          {"models", Json::array()},   {"champion", nullptr},
                {"backtest", nullptr},          {"missing", nullptr}};
    std::vector<ml::ModelVersion> versions;
    std::optional<ml::ModelVersion> champion;
    if (models) {
      // The registry is a nice-to-have on this page: actuals and forecasts
      // still answer while it cannot be read.
      auto listed = models->List(model_name);
      auto aliased = listed.ok() ? models->Alias(model_name, ml::kChampionAlias) : listed.status();
      if (listed.ok() && aliased.ok()) {
        versions = std::move(listed).value();
        champion = std::move(aliased).value();
      } else {
        spdlog::warn("forecast/series: registry unreadable: {}", aliased.status().ToString());
      }
    }
    for (const auto& v : versions) out["models"].push_back(ModelSummary(v, champion));
    if (champion) {
      out["champion"] = ModelVersionJson(*champion, {ml::kChampionAlias});
      out["backtest"] = out["champion"]["metrics"];
    }

    std::string to = MaxDate(*sales.rows, "event_date");
    std::string from = to.empty() ? "" : ShiftDate(to, -static_cast<int>(days - 1));
    std::vector<std::string> products = RankedProducts(*sales.rows, from, to);
    if (products.empty()) {
      std::map<std::string, bool> keys;
      for (const auto& row : *forecasts.rows) {
        if (LevelOf(row) == "product") keys[KeyOf(row)] = true;
      }
      for (const auto& [k, _] : keys) products.push_back(k);
    }
    std::string product = request.params.String("product_id").value_or(products.empty() ? "" : products.front());
    for (const auto& p : products) out["products"].push_back(p);
    if (!product.empty()) out["product_id"] = product;
    if (!from.empty()) {
      out["from"] = from;
      out["to"] = to;
    }
    std::vector<const Json*> actual_rows;
    for (const auto& row : *sales.rows) {
      const std::string date = TextField(row, "event_date");
      if (TextField(row, "product_id") == product && date >= from && date <= to) actual_rows.push_back(&row);
    }
    std::sort(actual_rows.begin(), actual_rows.end(),
              [](const Json* a, const Json* b) { return TextField(*a, "event_date") < TextField(*b, "event_date"); });
    for (const Json* row : actual_rows) {
      out["actuals"].push_back({{"event_date", TextField(*row, "event_date")},
                                {"units", NumberField(*row, "units").value_or(0)},
                                {"revenue", NumberField(*row, "revenue").value_or(0)}});
    }
    if (!product.empty()) {
      for (const auto& [target, row] : NewestPerTarget(*forecasts.rows, "product", product, from, "")) {
        out["forecasts"].push_back(ForecastPoint(*row));
      }
    }
    out["missing"] = missing;
    return out;
  }));
}

}  // namespace

Status AddForecastRoutes(Router& router, std::shared_ptr<LakeReader> lake, std::shared_ptr<ModelCatalog> models) {
  MEDALLION_RETURN_IF_ERROR(AddPointForecastRoute(router, lake));
  return AddSeriesRoute(router, std::move(lake), std::move(models));
}

}  // namespace medallion::serve
