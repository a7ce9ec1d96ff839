// GET /api/v1/customers: RFM segment sizes and the VIP list from
// gold/customer_rfm (a snapshot as of its as_of_date).
#include <algorithm>

#include "medallion/serve/data_routes.h"
#include "medallion/serve/gold_summaries.h"
#include "medallion/serve/route_support.h"

namespace medallion::serve {

namespace {

namespace s = schema;

Json VipSchema() {
  return s::Object({{"customer_id", s::String()},
                    {"segment", s::String()},
                    {"rfm_score", s::String()},
                    {"recency_days", s::Nullable(s::Integer())},
                    {"frequency", s::Nullable(s::Integer())},
                    {"monetary", s::Nullable(s::Number())},
                    {"last_order_date", s::Nullable(s::Date())}});
}

}  // namespace

Status AddCustomerRoutes(Router& router, std::shared_ptr<LakeReader> lake) {
  RouteSpec spec = GetRoute("/api/v1/customers", "customers", "RFM segment counts and the VIP customers", "analytics",
                            s::Object({{"as_of", s::Nullable(s::Date())},
                                       {"customers", s::Integer()},
                                       {"segments", s::Array(RfmSegmentSchema())},
                                       {"vip_count", s::Integer()},
                                       {"vips", s::Array(VipSchema())},
                                       s::MissingProperty()}));
  ParamSpec limit = QueryParam("limit", ParamType::kInteger, false, "VIPs to list, highest monetary first (default 50)");
  limit.minimum = 1;
  limit.maximum = 1000;
  spec.params = {limit};
  return router.Add(std::move(spec), Guarded([lake](const Request& request) -> Result<Json> {
    const size_t limit = static_cast<size_t>(request.params.Int("limit").value_or(50));
    Json missing = Json::array();
    MEDALLION_ASSIGN_OR_RETURN(auto rfm, ReadOrNote(*lake, "gold/customer_rfm", missing));
    std::vector<const Json*> vips;
    for (const auto& row : *rfm.rows) {
      auto vip = row.find("vip");
      if (vip != row.end() && vip->is_boolean() && vip->get<bool>()) vips.push_back(&row);
    }
    std::stable_sort(vips.begin(), vips.end(), [](const Json* a, const Json* b) {
      return NumberField(*a, "monetary").value_or(0) > NumberField(*b, "monetary").value_or(0);
    });
    Json list = Json::array();
    for (size_t i = 0; i < vips.size() && i < limit; ++i) {
      const Json& row = *vips[i];
      std::string last_order = TextField(row, "last_order_date");
      list.push_back({{"customer_id", TextField(row, "customer_id")},
                      {"segment", TextField(row, "segment")},
                      {"rfm_score", TextField(row, "rfm_score")},
                      {"recency_days", IntOrNull(NumberField(row, "recency_days"))},
                      {"frequency", IntOrNull(NumberField(row, "frequency"))},
                      {"monetary", NumberOrNull(NumberField(row, "monetary"))},
                      {"last_order_date", last_order.empty() ? Json() : Json(last_order)}});
    }
    std::string as_of = MaxDate(*rfm.rows, "as_of_date");
    return Json{{"as_of", as_of.empty() ? Json() : Json(as_of)},
                {"customers", rfm.rows->size()},
                {"segments", RfmSegmentCounts(*rfm.rows)},
                {"vip_count", VipCount(*rfm.rows)},
                {"vips", list},
                {"missing", missing}};
  }));
}

}  // namespace medallion::serve
