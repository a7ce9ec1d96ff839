// Retail events for the `orders` topic, drawn from DemandModel and
// CustomerBase. Deterministic for a seed: a day's events depend only on
// (seed, day), so history can be regenerated or extended piecewise.
//
// Value: one JSON object per event, key: product_id. Fields:
//   event_id (UUID v4), event_type (order_created | product_viewed |
//   add_to_cart | order_cancelled), event_time (ISO-8601 UTC, ms),
//   customer_id, product_id, category, city, country (ISO-3166 alpha-2),
//   quantity, unit_price (local currency), currency (ISO-4217), promo, store_id.
//
// The ground truth DemandModel publishes is the expected number of units in
// order_created events per product and day (gross of cancellations).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "medallion/ingest/customer_base.h"
#include "medallion/ingest/demand_model.h"
#include "medallion/ingest/kafka_record.h"

namespace medallion::ingest {

enum class OrderEventType { kOrderCreated, kProductViewed, kAddToCart, kOrderCancelled };
std::string_view OrderEventTypeName(OrderEventType type);

struct OrdersOptions {
  uint64_t seed = 42;
  int num_products = 200;
  int num_customers = 20'000;
  double total_daily_units = 4'000;  // scale of a day, before calendar factors
  double views_per_order = 3.0;      // product_viewed events per order
  double carts_per_order = 1.3;      // add_to_cart events per order
  double cancel_rate = 0.04;         // share of orders cancelled the same day
  double overdispersion_shape = 20;  // Gamma shape of day-level noise (mean 1)
  int32_t history_end = 0;           // first day after the history (0: today UTC)
  int history_days = 0;              // days of history before history_end
};

struct OrderEvent {
  std::string event_id;
  OrderEventType type = OrderEventType::kOrderCreated;
  int64_t event_time_ms = 0;
  int customer = 0;
  int product = 0;
  int city = 0;
  int store = 0;  // 0 = web shop, 1.. = physical store in the city
  int quantity = 1;
  double unit_price = 0;  // local currency
  bool promo = false;
};

// Distribution of units per order line; its mean converts expected units
// into an expected number of orders.
inline constexpr double kQuantityWeights[] = {0.62, 0.22, 0.09, 0.04, 0.02, 0.01};
double MeanQuantity();

class OrdersGenerator {
 public:
  explicit OrdersGenerator(OrdersOptions options);

  const OrdersOptions& options() const { return options_; }
  const DemandModel& model() const { return model_; }
  const CustomerBase& customers() const { return customers_; }
  int32_t history_start() const { return options_.history_end - options_.history_days; }

  // Every event of one UTC day, sorted by event time.
  std::vector<OrderEvent> Day(int32_t date);

  // One event at `now_ms`, drawn from that day's product mix and funnel.
  OrderEvent Live(int64_t now_ms);

  nlohmann::ordered_json ToJson(const OrderEvent& event) const;
  KafkaRecord Encode(const OrderEvent& event) const;

  std::string StoreId(int city, int store) const;

 private:
  OrderEvent MakeEvent(OrderEventType type, int product, int32_t date, int64_t time_ms, std::mt19937_64& rng);
  int DrawQuantity(std::mt19937_64& rng);
  int64_t DrawTimeOfDay(std::mt19937_64& rng);

  OrdersOptions options_;
  DemandModel model_;
  CustomerBase customers_;
  std::mt19937_64 live_rng_;
  int32_t live_date_ = INT32_MIN;
  std::discrete_distribution<int> live_product_;
};

}  // namespace medallion::ingest
