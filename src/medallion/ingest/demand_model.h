// The known demand model behind the `orders` topic. Every factor is a pure
// function of (seed, product, day), so the expected daily units per product
// can be published as ground truth (`_truth/daily_demand`) and forecasts can
// be scored against an oracle instead of against noisy actuals.
//
//   expected_units(p, d) = base(p) * trend(p, d) * weekly(cat, dow)
//                          * yearly(cat, doy) * holiday(cat, d)
//                          * (1 - discount(p, d)) ^ elasticity(p)
//
// Realised demand adds a day-level Gamma(mean 1) overdispersion and Poisson
// order counts on top (see OrdersGenerator), which keep the expectation.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace medallion::ingest {

struct Category {
  std::string name;
  std::array<double, 7> weekly;  // Monday..Sunday, mean 1
  double yearly_amplitude;       // relative swing of the yearly cycle
  int yearly_peak_doy;           // day of year where the cycle peaks
  double price_median_usd;
  double elasticity_mean;        // < 0: a discount raises demand
};

struct Product {
  std::string product_id;  // "P00042"
  int category = 0;        // index into Categories()
  double base_price_usd = 0;
  double base_daily_units = 0;
  double trend_per_year = 0;  // log growth per 365.25 days
  double elasticity = 0;
};

// Expected demand of one product on one day: one row of `_truth/daily_demand`.
struct DailyDemand {
  int32_t date = 0;  // days since the epoch
  int product = 0;   // index into DemandModel::products()
  double expected_units = 0;
  double price_usd = 0;  // price charged that day (after any promotion)
  double discount = 0;   // 0 when no promotion runs
  bool promo = false;
  double holiday_factor = 1;
};

const std::vector<Category>& Categories();

class DemandModel {
 public:
  // `total_daily_units`: the sum over products of base demand (before the
  // calendar factors), i.e. the rough scale of a whole day.
  DemandModel(uint64_t seed, int num_products, double total_daily_units);

  const std::vector<Product>& products() const { return products_; }
  uint64_t seed() const { return seed_; }

  DailyDemand Expected(int product, int32_t date) const;

  // Whether `product` is on promotion on `date`, and the discount (0.10..0.30).
  // Promotions last a calendar week (Monday..Sunday).
  bool Promotion(int product, int32_t date, double* discount) const;

  // Multiplier of a holiday or shopping event (1 on ordinary days).
  double HolidayFactor(int category, int32_t date) const;
  double WeeklyFactor(int category, int32_t date) const;
  double YearlyFactor(int category, int32_t date) const;
  double TrendFactor(int product, int32_t date) const;

  // Every product for every day in [first_date, last_date).
  std::vector<DailyDemand> Truth(int32_t first_date, int32_t last_date) const;

  // Day the trends are anchored at (factor 1): 2024-01-01.
  static int32_t TrendAnchor();

 private:
  uint64_t seed_;
  std::vector<Product> products_;
};

}  // namespace medallion::ingest
