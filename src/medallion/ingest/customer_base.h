// The shoppers behind `orders`: a customer base with home cities, a
// heavy-tailed purchase frequency (a few loyal customers buy weekly, most buy
// once or twice a year), sign-up dates and churn. That spread is what makes
// recency/frequency/monetary segments meaningful downstream.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace medallion::ingest {

struct City {
  const char* name;
  const char* country;   // ISO-3166 alpha-2
  const char* currency;  // ISO-4217
  double per_usd;        // fixed exchange rate used for local prices
  double weight;         // share of customers living there
  int stores;            // physical stores besides the web shop
};

const std::vector<City>& Cities();

struct Customer {
  std::string customer_id;  // "C000042"
  int city = 0;
  double activity = 1;   // relative purchase rate (mean 1 over the base)
  int32_t joined = 0;    // first day active
  int32_t churned = 0;   // first day no longer active
};

class CustomerBase {
 public:
  // Customers join across [first_date - 2 years, last_date + 1 year); about
  // a third already exist when the history starts.
  CustomerBase(uint64_t seed, int num_customers, int32_t first_date, int32_t last_date);

  const std::vector<Customer>& customers() const { return customers_; }

  // A customer active on `date`, drawn in proportion to activity.
  int Pick(int32_t date, std::mt19937_64& rng);

 private:
  std::vector<Customer> customers_;
  int32_t cached_date_ = INT32_MIN;
  std::vector<int> active_;
  std::vector<double> cumulative_;
};

}  // namespace medallion::ingest
