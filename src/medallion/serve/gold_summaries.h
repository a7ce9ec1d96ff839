// Summaries of Gold rows that more than one route shows (the Overview's KPIs
// and the Sales and Customers pages), so each is computed one way only.
#pragma once

#include <string>

#include "medallion/serve/arrow_rows.h"
#include "medallion/serve/json_schema.h"

namespace medallion::serve {

// [{"segment", "customers", "monetary"}] from gold/customer_rfm, by segment name.
nlohmann::json RfmSegmentCounts(const JsonRows& rfm);
nlohmann::json RfmSegmentSchema();

// Customers with vip = true.
int64_t VipCount(const JsonRows& rfm);

// Per country over rows of gold/country_daily with event_date in [from, to]:
// [{"country", "revenue", "orders", "customers"}] by revenue descending, at
// most `limit`. customers is the sum of daily distinct customers.
nlohmann::json TopCountries(const JsonRows& country_daily, const std::string& from, const std::string& to,
                            size_t limit);
nlohmann::json CountrySchema();

// Rows of gold/category_daily on [from, to]: [{"event_date", "category",
// "revenue", "revenue_dod_growth", "revenue_wow_growth"}] by date then revenue
// descending.
nlohmann::json CategoryGrowth(const JsonRows& category_daily, const std::string& from, const std::string& to);
nlohmann::json CategoryGrowthSchema();

}  // namespace medallion::serve
