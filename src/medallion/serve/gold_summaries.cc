#include "medallion/serve/gold_summaries.h"

#include <algorithm>
#include <map>

#include "medallion/serve/route_support.h"

namespace medallion::serve {

namespace s = schema;

Json RfmSegmentCounts(const JsonRows& rfm) {
  std::map<std::string, std::pair<int64_t, double>> segments;
  for (const auto& row : rfm) {
    auto& [customers, monetary] = segments[TextField(row, "segment")];
    ++customers;
    monetary += NumberField(row, "monetary").value_or(0);
  }
  Json out = Json::array();
  for (const auto& [segment, totals] : segments) {
    out.push_back({{"segment", segment}, {"customers", totals.first}, {"monetary", totals.second}});
  }
  return out;
}

Json RfmSegmentSchema() {
  return s::Object({{"segment", s::String()}, {"customers", s::Integer()}, {"monetary", s::Number()}});
}

int64_t VipCount(const JsonRows& rfm) {
  return std::count_if(rfm.begin(), rfm.end(), [](const Json& row) {
    auto it = row.find("vip");
    return it != row.end() && it->is_boolean() && it->get<bool>();
  });
}

Json TopCountries(const JsonRows& country_daily, const std::string& from, const std::string& to, size_t limit) {
  struct Totals {
    double revenue = 0;
    int64_t orders = 0;
    int64_t customers = 0;
  };
  std::map<std::string, Totals> countries;
  for (const auto& row : country_daily) {
    if (!InDateRange(TextField(row, "event_date"), from, to)) continue;
    Totals& t = countries[TextField(row, "country")];
    t.revenue += NumberField(row, "revenue").value_or(0);
    t.orders += static_cast<int64_t>(NumberField(row, "orders").value_or(0));
    t.customers += static_cast<int64_t>(NumberField(row, "customers").value_or(0));
  }
  std::vector<std::pair<std::string, Totals>> ranked(countries.begin(), countries.end());
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto& a, const auto& b) { return a.second.revenue > b.second.revenue; });
  if (ranked.size() > limit) ranked.resize(limit);
  Json out = Json::array();
  for (const auto& [country, t] : ranked) {
    out.push_back({{"country", country}, {"revenue", t.revenue}, {"orders", t.orders}, {"customers", t.customers}});
  }
  return out;
}

Json CountrySchema() {
  return s::Object(
      {{"country", s::String()}, {"revenue", s::Number()}, {"orders", s::Integer()}, {"customers", s::Integer()}});
}

Json CategoryGrowth(const JsonRows& category_daily, const std::string& from, const std::string& to) {
  std::vector<const Json*> rows;
  for (const auto& row : category_daily) {
    if (InDateRange(TextField(row, "event_date"), from, to)) rows.push_back(&row);
  }
  std::sort(rows.begin(), rows.end(), [](const Json* a, const Json* b) {
    std::string da = TextField(*a, "event_date"), db = TextField(*b, "event_date");
    if (da != db) return da < db;
    double ra = NumberField(*a, "revenue").value_or(0), rb = NumberField(*b, "revenue").value_or(0);
    return ra != rb ? ra > rb : TextField(*a, "category") < TextField(*b, "category");
  });
  Json out = Json::array();
  for (const Json* row : rows) {
    out.push_back({{"event_date", TextField(*row, "event_date")},
                   {"category", TextField(*row, "category")},
                   {"revenue", NumberField(*row, "revenue").value_or(0)},
                   {"revenue_dod_growth", NumberOrNull(NumberField(*row, "revenue_dod_growth"))},
                   {"revenue_wow_growth", NumberOrNull(NumberField(*row, "revenue_wow_growth"))}});
  }
  return out;
}

Json CategoryGrowthSchema() {
  return s::Object({{"event_date", s::Date()},
                    {"category", s::String()},
                    {"revenue", s::Number()},
                    {"revenue_dod_growth", s::Nullable(s::Number())},
                    {"revenue_wow_growth", s::Nullable(s::Number())}});
}

}  // namespace medallion::serve
