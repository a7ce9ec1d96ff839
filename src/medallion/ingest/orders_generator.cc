#include "medallion/ingest/orders_generator.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "medallion/ingest/calendar.h"
#include "medallion/ingest/random.h"

namespace medallion::ingest {

std::string_view OrderEventTypeName(OrderEventType type) {
  switch (type) {
    case OrderEventType::kOrderCreated: return "order_created";
    case OrderEventType::kProductViewed: return "product_viewed";
    case OrderEventType::kAddToCart: return "add_to_cart";
    case OrderEventType::kOrderCancelled: return "order_cancelled";
  }
  return "unknown";
}

double MeanQuantity() {
  double mean = 0;
  for (size_t i = 0; i < std::size(kQuantityWeights); ++i) mean += (i + 1) * kQuantityWeights[i];
  return mean;
}

namespace {

// Share of a day's events per UTC hour: quiet nights, lunch and evening peaks.
constexpr double kHourWeights[24] = {1.0, 0.6, 0.4, 0.3, 0.3, 0.4, 0.8, 1.4, 2.0, 2.4, 2.6, 2.9,
                                     3.3, 3.1, 2.8, 2.7, 2.8, 3.0, 3.4, 3.8, 3.9, 3.3, 2.4, 1.6};

int32_t ResolveHistoryEnd(int32_t configured) { return configured != 0 ? configured : TodayUtc(); }

}  // namespace

OrdersGenerator::OrdersGenerator(OrdersOptions options)
    : options_([&] {
        options.history_end = ResolveHistoryEnd(options.history_end);
        return options;
      }()),
      model_(options_.seed, options_.num_products, options_.total_daily_units),
      customers_(options_.seed, options_.num_customers, options_.history_end - options_.history_days,
                 options_.history_end),
      live_rng_(Mix(options_.seed, 0x6c697665)) {}  // "live"

int OrdersGenerator::DrawQuantity(std::mt19937_64& rng) {
  std::discrete_distribution<int> q(std::begin(kQuantityWeights), std::end(kQuantityWeights));
  return q(rng) + 1;
}

int64_t OrdersGenerator::DrawTimeOfDay(std::mt19937_64& rng) {
  std::discrete_distribution<int> hour(std::begin(kHourWeights), std::end(kHourWeights));
  std::uniform_int_distribution<int64_t> within(0, 3'600'000 - 1);
  return hour(rng) * int64_t{3'600'000} + within(rng);
}

OrderEvent OrdersGenerator::MakeEvent(OrderEventType type, int product, int32_t date, int64_t time_ms,
                                      std::mt19937_64& rng) {
  OrderEvent e;
  e.event_id = RandomUuid(rng);
  e.type = type;
  e.event_time_ms = time_ms;
  e.product = product;
  e.customer = customers_.Pick(date, rng);
  e.city = customers_.customers()[e.customer].city;
  const City& city = Cities()[e.city];
  // A third of purchases happen in a physical store, the rest on the web.
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  e.store = unit(rng) < 0.35 ? 1 + static_cast<int>(unit(rng) * city.stores) : 0;
  e.quantity = type == OrderEventType::kProductViewed ? 1 : DrawQuantity(rng);
  double discount = 0;
  e.promo = model_.Promotion(product, date, &discount);
  const double usd = model_.products()[product].base_price_usd * (1.0 - discount);
  const double scale = std::string_view(city.currency) == "JPY" ? 1.0 : 100.0;  // yen have no cents
  e.unit_price = std::round(usd * city.per_usd * scale) / scale;
  return e;
}

std::vector<OrderEvent> OrdersGenerator::Day(int32_t date) {
  std::mt19937_64 rng(Mix(options_.seed, 0x64617900ULL + static_cast<uint64_t>(date)));
  const double k = options_.overdispersion_shape;
  std::gamma_distribution<double> noise(k, 1.0 / k);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const double mean_q = MeanQuantity();
  const int64_t day_start = static_cast<int64_t>(date) * kMillisPerDay;
  std::vector<OrderEvent> events;
  for (int p = 0; p < static_cast<int>(model_.products().size()); ++p) {
    const double lambda = model_.Expected(p, date).expected_units * noise(rng);
    const int orders = std::poisson_distribution<int>(lambda / mean_q)(rng);
    for (int i = 0; i < orders; ++i) {
      const int64_t t = day_start + DrawTimeOfDay(rng);
      events.push_back(MakeEvent(OrderEventType::kOrderCreated, p, date, t, rng));
      if (unit(rng) < options_.cancel_rate) {
        // Cancelled by the same customer within the day, same line.
        OrderEvent cancel = events.back();
        cancel.event_id = RandomUuid(rng);
        cancel.type = OrderEventType::kOrderCancelled;
        const int64_t left = day_start + kMillisPerDay - 1 - t;
        cancel.event_time_ms = t + static_cast<int64_t>(unit(rng) * static_cast<double>(left));
        events.push_back(std::move(cancel));
      }
    }
    const int views = std::poisson_distribution<int>(orders * options_.views_per_order + 0.5 * lambda)(rng);
    for (int i = 0; i < views; ++i) {
      events.push_back(MakeEvent(OrderEventType::kProductViewed, p, date, day_start + DrawTimeOfDay(rng), rng));
    }
    const int carts = std::poisson_distribution<int>(orders * options_.carts_per_order)(rng);
    for (int i = 0; i < carts; ++i) {
      events.push_back(MakeEvent(OrderEventType::kAddToCart, p, date, day_start + DrawTimeOfDay(rng), rng));
    }
  }
  std::stable_sort(events.begin(), events.end(),
                   [](const OrderEvent& a, const OrderEvent& b) { return a.event_time_ms < b.event_time_ms; });
  return events;
}

OrderEvent OrdersGenerator::Live(int64_t now_ms) {
  const int32_t date = static_cast<int32_t>(now_ms / kMillisPerDay);
  if (date != live_date_) {
    live_date_ = date;
    std::vector<double> weights;
    for (int p = 0; p < static_cast<int>(model_.products().size()); ++p) {
      weights.push_back(model_.Expected(p, date).expected_units);
    }
    live_product_ = std::discrete_distribution<int>(weights.begin(), weights.end());
  }
  const int product = live_product_(live_rng_);
  // Funnel mix per order: views, carts, the order, sometimes a cancellation.
  const double w[] = {1.0, options_.views_per_order, options_.carts_per_order, options_.cancel_rate};
  std::discrete_distribution<int> type(std::begin(w), std::end(w));
  static constexpr OrderEventType kTypes[] = {OrderEventType::kOrderCreated, OrderEventType::kProductViewed,
                                              OrderEventType::kAddToCart, OrderEventType::kOrderCancelled};
  return MakeEvent(kTypes[type(live_rng_)], product, date, now_ms, live_rng_);
}

std::string OrdersGenerator::StoreId(int city, int store) const {
  const City& c = Cities()[city];
  if (store == 0) return fmt::format("WEB-{}", c.country);
  // "S-NEW-2": three letters of the city and the store number.
  std::string code;
  for (const char* p = c.name; *p && code.size() < 3; ++p) {
    if (*p >= 'A' && *p <= 'Z') code += *p;
    else if (*p >= 'a' && *p <= 'z') code += static_cast<char>(*p - 'a' + 'A');
  }
  return fmt::format("S-{}-{}", code, store);
}

nlohmann::ordered_json OrdersGenerator::ToJson(const OrderEvent& e) const {
  const Product& p = model_.products()[e.product];
  const City& c = Cities()[e.city];
  nlohmann::ordered_json j;
  j["event_id"] = e.event_id;
  j["event_type"] = OrderEventTypeName(e.type);
  j["event_time"] = FormatIsoMillis(e.event_time_ms);
  j["customer_id"] = customers_.customers()[e.customer].customer_id;
  j["product_id"] = p.product_id;
  j["category"] = Categories()[p.category].name;
  j["city"] = c.name;
  j["country"] = c.country;
  j["quantity"] = e.quantity;
  j["unit_price"] = e.unit_price;
  j["currency"] = c.currency;
  j["promo"] = e.promo;
  j["store_id"] = StoreId(e.city, e.store);
  return j;
}

KafkaRecord OrdersGenerator::Encode(const OrderEvent& e) const {
  KafkaRecord r;
  r.key = model_.products()[e.product].product_id;
  r.value = ToJson(e).dump();
  r.event_time_ms = e.event_time_ms;
  return r;
}

}  // namespace medallion::ingest
