#include "medallion/transform/features_daily.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>

#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "medallion/ingest/calendar.h"
#include "medallion/transform/gold_aggregate.h"
#include "medallion/transform/gold_columns.h"

namespace medallion::transform {

namespace cp = arrow::compute;

CalendarFeatures CalendarOf(int32_t day) {
  CalendarFeatures c;
  c.day_of_week = ingest::DayOfWeek(day) + 1;
  // The ISO week is the week of the year that holds its Thursday.
  int32_t thursday = day - (c.day_of_week - 4);
  c.week_of_year = ingest::DayOfYear(thursday) / 7 + 1;
  auto civil = ingest::CivilFromDays(day);
  c.month = static_cast<int>(civil.month);
  static constexpr std::pair<unsigned, unsigned> kHolidays[] = {{1, 1}, {5, 1}, {12, 24}, {12, 25}, {12, 26}, {12, 31}};
  for (auto [month, dom] : kHolidays) {
    if (civil.month == month && civil.day == dom) c.is_holiday = true;
  }
  return c;
}

namespace {

struct DaySales {
  int64_t units = 0;
  double revenue = 0;
  int64_t orders = 0;
  double avg_price = 0;
  int64_t promo_orders = 0;
};

struct Window {
  std::optional<double> mean, stddev;
};

Window Rolling(const std::vector<int64_t>& units, int64_t end, int n) {
  if (end - n < 0) return {};
  double sum = 0;
  for (int64_t i = end - n; i < end; ++i) sum += static_cast<double>(units[i]);
  double mean = sum / n;
  double squares = 0;
  for (int64_t i = end - n; i < end; ++i) squares += (units[i] - mean) * (units[i] - mean);
  return {mean, std::sqrt(squares / (n - 1))};
}

}  // namespace

Result<std::shared_ptr<arrow::Table>> FeaturesDaily(const std::shared_ptr<arrow::Table>& silver, DateRange range) {
  GroupSpec spec;
  spec.filter = cp::and_(cp::less_equal(Col("event_date"), DateLiteral(range.to)), EventTypeIs("order_created"));
  spec.projections = {{"event_date", Col("event_date")},
                      {"product_id", CastTo(Col("product_id"), arrow::int64())},
                      {"quantity64", CastTo(Col("quantity"), arrow::int64())},
                      {"amount", CastTo(Col("total_amount_usd"), arrow::float64())},
                      {"one", CountIf(cp::literal(true))},
                      // The unit price in dollars: unit_price is in the order's
                      // currency, and one product sells in several.
                      {"price", cp::call("divide", {CastTo(Col("total_amount_usd"), arrow::float64()),
                                                    CastTo(Col("quantity"), arrow::float64())})},
                      {"is_promo", CountIf(Col("promo"))}};
  spec.keys = {"product_id", "event_date"};
  spec.aggregations = {{"hash_sum", "quantity64", "units"},
                       {"hash_sum", "amount", "revenue"},
                       {"hash_sum", "one", "orders"},
                       {"hash_mean", "price", "avg_price"},
                       {"hash_sum", "is_promo", "promo_orders"}};
  MEDALLION_ASSIGN_OR_RETURN(auto daily, GroupAggregate(silver, spec));
  MEDALLION_ASSIGN_OR_RETURN(auto products, ReadInt64(*daily, "product_id"));
  MEDALLION_ASSIGN_OR_RETURN(auto dates, ReadDate32(*daily, "event_date"));
  MEDALLION_ASSIGN_OR_RETURN(auto units, ReadInt64(*daily, "units"));
  MEDALLION_ASSIGN_OR_RETURN(auto revenue, ReadDouble(*daily, "revenue"));
  MEDALLION_ASSIGN_OR_RETURN(auto orders, ReadInt64(*daily, "orders"));
  MEDALLION_ASSIGN_OR_RETURN(auto prices, ReadDouble(*daily, "avg_price"));
  MEDALLION_ASSIGN_OR_RETURN(auto promos, ReadInt64(*daily, "promo_orders"));

  std::map<int64_t, std::map<int32_t, DaySales>> by_product;
  int32_t panel_start = range.to + 1;
  for (size_t i = 0; i < products.size(); ++i) {
    by_product[products[i]][dates[i]] = {units[i], revenue[i], orders[i], prices[i], promos[i]};
    panel_start = std::min(panel_start, dates[i]);
  }
  const int32_t first = std::max(range.from, panel_start);

  std::vector<int32_t> out_date, dow, week, month;
  std::vector<int64_t> out_product, out_units, out_orders;
  std::vector<double> out_revenue;
  std::vector<bool> holiday;
  std::vector<std::optional<int64_t>> lag1, lag7, lag14, lag28;
  std::vector<std::optional<double>> mean7, std7, mean14, std14, mean30, std30, avg_price, promo_share;
  // Dense units from the panel start; index = day - panel_start. Lags and
  // windows only look back, so one series per product serves every day.
  std::map<int64_t, std::vector<int64_t>> units_series;
  for (const auto& [product, days] : by_product) {
    auto& series = units_series[product];
    series.assign(std::max(0, range.to - panel_start + 1), 0);
    for (const auto& [d, sales] : days) series[d - panel_start] = sales.units;
  }
  for (int32_t day = first; day <= range.to; ++day) {
    CalendarFeatures calendar = CalendarOf(day);
    for (const auto& [product, days] : by_product) {
      const auto& series = units_series[product];
      const int64_t today = day - panel_start;
      auto lag = [&](int k) -> std::optional<int64_t> {
        if (today - k < 0) return std::nullopt;
        return series[today - k];
      };
      auto it = days.find(day);
      DaySales sales = it == days.end() ? DaySales{} : it->second;
      out_date.push_back(day);
      out_product.push_back(product);
      dow.push_back(calendar.day_of_week);
      week.push_back(calendar.week_of_year);
      month.push_back(calendar.month);
      holiday.push_back(calendar.is_holiday);
      out_units.push_back(sales.units);
      out_revenue.push_back(sales.revenue);
      out_orders.push_back(sales.orders);
      lag1.push_back(lag(1));
      lag7.push_back(lag(7));
      lag14.push_back(lag(14));
      lag28.push_back(lag(28));
      Window w7 = Rolling(series, today, 7), w14 = Rolling(series, today, 14), w30 = Rolling(series, today, 30);
      mean7.push_back(w7.mean);
      std7.push_back(w7.stddev);
      mean14.push_back(w14.mean);
      std14.push_back(w14.stddev);
      mean30.push_back(w30.mean);
      std30.push_back(w30.stddev);
      if (sales.orders > 0) {
        avg_price.push_back(sales.avg_price);
        promo_share.push_back(static_cast<double>(sales.promo_orders) / static_cast<double>(sales.orders));
      } else {
        avg_price.push_back(std::nullopt);
        promo_share.push_back(std::nullopt);
      }
    }
  }
  auto f = [](const char* name, std::shared_ptr<arrow::DataType> type) { return arrow::field(name, std::move(type)); };
  auto schema = arrow::schema(
      {f("event_date", arrow::date32()), f("product_id", arrow::int64()), f("day_of_week", arrow::int32()),
       f("week_of_year", arrow::int32()), f("month", arrow::int32()), f("is_holiday", arrow::boolean()),
       f("units", arrow::int64()), f("revenue", arrow::float64()), f("orders", arrow::int64()),
       f("lag_1", arrow::int64()), f("lag_7", arrow::int64()), f("lag_14", arrow::int64()),
       f("lag_28", arrow::int64()), f("rolling_mean_7", arrow::float64()), f("rolling_std_7", arrow::float64()),
       f("rolling_mean_14", arrow::float64()), f("rolling_std_14", arrow::float64()),
       f("rolling_mean_30", arrow::float64()), f("rolling_std_30", arrow::float64()),
       f("avg_price", arrow::float64()), f("promo_share", arrow::float64())});
  return arrow::Table::Make(
      schema, {Date32Array(out_date), Int64Array(out_product), Int32Array(dow), Int32Array(week), Int32Array(month),
               BoolArray(holiday), Int64Array(out_units), DoubleArray(out_revenue), Int64Array(out_orders),
               OptionalInt64Array(lag1), OptionalInt64Array(lag7), OptionalInt64Array(lag14),
               OptionalInt64Array(lag28), OptionalDoubleArray(mean7), OptionalDoubleArray(std7),
               OptionalDoubleArray(mean14), OptionalDoubleArray(std14), OptionalDoubleArray(mean30),
               OptionalDoubleArray(std30), OptionalDoubleArray(avg_price), OptionalDoubleArray(promo_share)});
}

}  // namespace medallion::transform
