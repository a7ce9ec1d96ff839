// Builds small Silver `orders` tables for the Gold unit tests.
#pragma once

#include <arrow/api.h>

#include <string>
#include <vector>

#include "medallion/ingest/calendar.h"

namespace medallion::transform::testing {

struct SilverRow {
  std::string event_type = "order_created";
  std::string date = "2026-01-05";  // event_date
  int hour = 10;
  int64_t customer_id = 1;
  int64_t product_id = 100;
  std::string category = "toys";
  std::string city = "Berlin";
  std::string country = "DE";
  int64_t quantity = 1;
  double unit_price = 10;  // in `currency`
  bool promo = false;
  std::string currency = "USD";
  double units_per_usd = 1;
};

inline int32_t Day(const std::string& iso) {
  int y;
  unsigned m, d;
  std::sscanf(iso.c_str(), "%d-%u-%u", &y, &m, &d);
  return ingest::DaysFromCivil(y, m, d);
}

inline std::shared_ptr<arrow::Table> MakeSilver(const std::vector<SilverRow>& rows) {
  arrow::StringBuilder id, type, category, city, country, currency;
  arrow::TimestampBuilder time(arrow::timestamp(arrow::TimeUnit::MICRO, "UTC"), arrow::default_memory_pool());
  arrow::Int64Builder customer, product;
  arrow::Int32Builder quantity, store;
  arrow::DoubleBuilder price, total, total_usd;
  arrow::BooleanBuilder promo;
  arrow::Date32Builder date;
  int n = 0;
  for (const auto& r : rows) {
    int32_t day = Day(r.date);
    (void)id.Append("e" + std::to_string(n++));
    (void)type.Append(r.event_type);
    (void)time.Append((int64_t{day} * 86400 + r.hour * 3600 + 60) * 1'000'000);
    (void)customer.Append(r.customer_id);
    (void)product.Append(r.product_id);
    (void)category.Append(r.category);
    (void)city.Append(r.city);
    (void)country.Append(r.country);
    (void)quantity.Append(static_cast<int32_t>(r.quantity));
    (void)price.Append(r.unit_price);
    (void)currency.Append(r.currency);
    (void)promo.Append(r.promo);
    (void)store.Append(1);
    (void)total.Append(r.quantity * r.unit_price);
    (void)total_usd.Append(r.quantity * r.unit_price / r.units_per_usd);
    (void)date.Append(day);
  }
  auto schema = arrow::schema({arrow::field("event_id", arrow::utf8()), arrow::field("event_type", arrow::utf8()),
                               arrow::field("event_time", arrow::timestamp(arrow::TimeUnit::MICRO, "UTC")),
                               arrow::field("customer_id", arrow::int64()), arrow::field("product_id", arrow::int64()),
                               arrow::field("category", arrow::utf8()), arrow::field("city", arrow::utf8()),
                               arrow::field("country", arrow::utf8()), arrow::field("quantity", arrow::int32()),
                               arrow::field("unit_price", arrow::float64()), arrow::field("currency", arrow::utf8()),
                               arrow::field("promo", arrow::boolean()), arrow::field("store_id", arrow::int32()),
                               arrow::field("total_amount", arrow::float64()),
                               arrow::field("total_amount_usd", arrow::float64()),
                               arrow::field("event_date", arrow::date32())});
  std::vector<std::shared_ptr<arrow::Array>> arrays(16);
  (void)id.Finish(&arrays[0]);
  (void)type.Finish(&arrays[1]);
  (void)time.Finish(&arrays[2]);
  (void)customer.Finish(&arrays[3]);
  (void)product.Finish(&arrays[4]);
  (void)category.Finish(&arrays[5]);
  (void)city.Finish(&arrays[6]);
  (void)country.Finish(&arrays[7]);
  (void)quantity.Finish(&arrays[8]);
  (void)price.Finish(&arrays[9]);
  (void)currency.Finish(&arrays[10]);
  (void)promo.Finish(&arrays[11]);
  (void)store.Finish(&arrays[12]);
  (void)total.Finish(&arrays[13]);
  (void)total_usd.Finish(&arrays[14]);
  (void)date.Finish(&arrays[15]);
  return arrow::Table::Make(schema, arrays);
}

}  // namespace medallion::transform::testing
