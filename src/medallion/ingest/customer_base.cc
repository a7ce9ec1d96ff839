#include "medallion/ingest/customer_base.h"

#include <fmt/format.h>

#include <algorithm>

#include "medallion/ingest/random.h"

namespace medallion::ingest {

const std::vector<City>& Cities() {
  static const std::vector<City> kCities = {
      {"New York", "US", "USD", 1.0, 14, 4},      {"Los Angeles", "US", "USD", 1.0, 9, 3},
      {"Chicago", "US", "USD", 1.0, 6, 2},        {"Toronto", "CA", "CAD", 1.36, 5, 2},
      {"London", "GB", "GBP", 0.79, 11, 3},       {"Paris", "FR", "EUR", 0.92, 8, 2},
      {"Berlin", "DE", "EUR", 0.92, 7, 2},        {"Madrid", "ES", "EUR", 0.92, 5, 1},
      {"Milan", "IT", "EUR", 0.92, 4, 1},         {"Amsterdam", "NL", "EUR", 0.92, 3, 1},
      {"Tokyo", "JP", "JPY", 151.0, 9, 3},        {"Sydney", "AU", "AUD", 1.52, 5, 2},
      {"S\xC3\xA3o Paulo", "BR", "BRL", 5.0, 7, 2}, {"Mumbai", "IN", "INR", 83.0, 7, 2},
  };
  return kCities;
}

CustomerBase::CustomerBase(uint64_t seed, int num_customers, int32_t first_date, int32_t last_date) {
  std::mt19937_64 rng(Mix(seed, 0x63757374));  // "cust"
  std::vector<double> weights;
  for (const auto& c : Cities()) weights.push_back(c.weight);
  std::discrete_distribution<int> pick_city(weights.begin(), weights.end());
  // Gamma(0.5) with mean 1: most customers are occasional, a few very loyal.
  std::gamma_distribution<double> activity(0.5, 2.0);
  std::exponential_distribution<double> lifetime(1.0 / 540.0);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const int32_t span = std::max<int32_t>(1, last_date - first_date);
  customers_.reserve(num_customers);
  for (int i = 0; i < num_customers; ++i) {
    Customer c;
    c.customer_id = fmt::format("C{:06d}", i + 1);
    c.city = pick_city(rng);
    c.activity = activity(rng);
    if (unit(rng) < 0.35) {
      c.joined = first_date - static_cast<int32_t>(unit(rng) * 730);
    } else {
      c.joined = first_date + static_cast<int32_t>(unit(rng) * (span + 365));
    }
    c.churned = c.joined + 30 + static_cast<int32_t>(lifetime(rng));
    customers_.push_back(std::move(c));
  }
}

int CustomerBase::Pick(int32_t date, std::mt19937_64& rng) {
  if (date != cached_date_) {
    cached_date_ = date;
    active_.clear();
    cumulative_.clear();
    double sum = 0;
    for (int i = 0; i < static_cast<int>(customers_.size()); ++i) {
      const Customer& c = customers_[i];
      if (c.joined <= date && date < c.churned) {
        sum += c.activity;
        active_.push_back(i);
        cumulative_.push_back(sum);
      }
    }
    if (active_.empty()) {  // far outside the simulated span: everyone shops
      for (int i = 0; i < static_cast<int>(customers_.size()); ++i) {
        sum += customers_[i].activity;
        active_.push_back(i);
        cumulative_.push_back(sum);
      }
    }
  }
  std::uniform_real_distribution<double> u(0.0, cumulative_.back());
  const auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), u(rng));
  const size_t idx = std::min<size_t>(it - cumulative_.begin(), active_.size() - 1);
  return active_[idx];
}

}  // namespace medallion::ingest
