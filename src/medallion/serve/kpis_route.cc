// GET /api/v1/kpis: the Overview's headline numbers. "Today" is the latest
// event_date in gold/sales_daily (the lake's clock, not the server's: a
// backfilled or replayed lake still has a today).
#include <algorithm>

#include "medallion/serve/data_routes.h"
#include "medallion/serve/gold_summaries.h"
#include "medallion/serve/route_support.h"

namespace medallion::serve {

namespace {

namespace s = schema;

struct DayTotals {
  double revenue = 0;
  int64_t orders = 0;
  int64_t units = 0;
  bool seen = false;
};

DayTotals TotalsOn(const JsonRows& sales, const std::string& date) {
  DayTotals t;
  for (const auto& row : sales) {
    if (TextField(row, "event_date") != date) continue;
    t.seen = true;
    t.revenue += NumberField(row, "revenue").value_or(0);
    t.orders += static_cast<int64_t>(NumberField(row, "orders").value_or(0));
    t.units += static_cast<int64_t>(NumberField(row, "units").value_or(0));
  }
  return t;
}

Json TopProductsOn(const JsonRows& top, const std::string& date, size_t limit) {
  std::vector<const Json*> rows;
  for (const auto& row : top) {
    if (TextField(row, "event_date") == date) rows.push_back(&row);
  }
  std::sort(rows.begin(), rows.end(), [](const Json* a, const Json* b) {
    return NumberField(*a, "rank").value_or(1e18) < NumberField(*b, "rank").value_or(1e18);
  });
  if (rows.size() > limit) rows.resize(limit);
  Json out = Json::array();
  for (const Json* row : rows) {
    out.push_back({{"rank", static_cast<int64_t>(NumberField(*row, "rank").value_or(0))},
                   {"product_id", TextField(*row, "product_id")},
                   {"revenue", NumberField(*row, "revenue").value_or(0)},
                   {"units", static_cast<int64_t>(NumberField(*row, "units").value_or(0))},
                   {"orders", static_cast<int64_t>(NumberField(*row, "orders").value_or(0))}});
  }
  return out;
}

Json KpisSchema() {
  return s::Object({
      {"as_of", s::Nullable(s::Date())},
      {"revenue_today", s::Nullable(s::Number())},
      {"orders_today", s::Nullable(s::Integer())},
      {"units_today", s::Nullable(s::Integer())},
      {"revenue_prev_day", s::Nullable(s::Number())},
      {"revenue_dod_growth", s::Nullable(s::Number())},
      {"top_products", s::Array(s::Object({{"rank", s::Integer()},
                                            {"product_id", s::String()},
                                            {"revenue", s::Number()},
                                            {"units", s::Integer()},
                                            {"orders", s::Integer()}}))},
      {"top_countries", s::Array(CountrySchema())},
      {"category_growth", s::Array(CategoryGrowthSchema())},
      {"rfm_segments", s::Array(RfmSegmentSchema())},
      {"customers", s::Nullable(s::Integer())},
      {"vip_count", s::Nullable(s::Integer())},
      s::MissingProperty(),
  });
}

}  // namespace

Status AddKpiRoutes(Router& router, std::shared_ptr<LakeReader> lake) {
  RouteSpec spec = GetRoute("/api/v1/kpis", "kpis",
                            "Revenue and orders today, top products and countries, category growth, RFM segments",
                            "analytics", KpisSchema());
  return router.Add(std::move(spec), Guarded([lake](const Request&) -> Result<Json> {
    Json missing = Json::array();
    MEDALLION_ASSIGN_OR_RETURN(auto sales, ReadOrNote(*lake, "gold/sales_daily", missing));
    MEDALLION_ASSIGN_OR_RETURN(auto top, ReadOrNote(*lake, "gold/top_products", missing));
    MEDALLION_ASSIGN_OR_RETURN(auto countries, ReadOrNote(*lake, "gold/country_daily", missing));
    MEDALLION_ASSIGN_OR_RETURN(auto categories, ReadOrNote(*lake, "gold/category_daily", missing));
    MEDALLION_ASSIGN_OR_RETURN(auto rfm, ReadOrNote(*lake, "gold/customer_rfm", missing));

    const std::string today = MaxDate(*sales.rows, "event_date");
    Json out = {{"as_of", nullptr},           {"revenue_today", nullptr},      {"orders_today", nullptr},
                {"units_today", nullptr},     {"revenue_prev_day", nullptr},   {"revenue_dod_growth", nullptr},
                {"top_products", Json::array()}, {"top_countries", Json::array()}, {"category_growth", Json::array()},
                {"rfm_segments", RfmSegmentCounts(*rfm.rows)},
                {"customers", rfm.missing() ? Json() : Json(rfm.rows->size())},
                {"vip_count", rfm.missing() ? Json() : Json(VipCount(*rfm.rows))},
                {"missing", missing}};
    if (today.empty()) return out;
    DayTotals now = TotalsOn(*sales.rows, today);
    DayTotals prev = TotalsOn(*sales.rows, ShiftDate(today, -1));
    out["as_of"] = today;
    out["revenue_today"] = now.revenue;
    out["orders_today"] = now.orders;
    out["units_today"] = now.units;
    if (prev.seen) {
      out["revenue_prev_day"] = prev.revenue;
      if (prev.revenue != 0) out["revenue_dod_growth"] = (now.revenue - prev.revenue) / prev.revenue;
    }
    out["top_products"] = TopProductsOn(*top.rows, today, 10);
    out["top_countries"] = TopCountries(*countries.rows, today, today, 3);
    out["category_growth"] = CategoryGrowth(*categories.rows, today, today);
    return out;
  }));
}

}  // namespace medallion::serve
