#include "medallion/ingest/demand_model.h"

#include <fmt/format.h>

#include <cmath>
#include <numbers>
#include <random>

#include "medallion/ingest/calendar.h"
#include "medallion/ingest/random.h"

namespace medallion::ingest {

const std::vector<Category>& Categories() {
  // Weekly shapes: groceries peak on Saturday, apparel and toys at the
  // weekend, electronics and books are flatter with a Sunday bump online.
  static const std::vector<Category> kCategories = {
      {"electronics", {0.90, 0.88, 0.92, 0.95, 1.05, 1.15, 1.15}, 0.35, 340, 180.0, -1.8},
      {"grocery", {0.92, 0.88, 0.90, 0.95, 1.10, 1.25, 1.00}, 0.08, 355, 6.0, -1.2},
      {"apparel", {0.82, 0.80, 0.85, 0.92, 1.10, 1.35, 1.16}, 0.25, 320, 45.0, -2.2},
      {"home", {0.95, 0.90, 0.92, 0.95, 1.00, 1.20, 1.08}, 0.15, 120, 60.0, -1.6},
      {"beauty", {0.95, 0.95, 0.97, 1.00, 1.05, 1.08, 1.00}, 0.12, 40, 25.0, -1.9},
      {"sports", {0.88, 0.85, 0.90, 0.95, 1.05, 1.25, 1.12}, 0.40, 170, 70.0, -1.7},
      {"toys", {0.80, 0.80, 0.85, 0.90, 1.05, 1.40, 1.20}, 0.60, 350, 30.0, -2.0},
      {"books", {0.98, 0.95, 0.95, 0.98, 1.00, 1.06, 1.08}, 0.18, 345, 15.0, -1.4},
  };
  return kCategories;
}

namespace {

// Fixed-date holidays and shopping events: (month, day, factor).
struct FixedHoliday {
  unsigned month, day;
  double factor;
};
constexpr FixedHoliday kFixedHolidays[] = {
    {1, 1, 0.55},  {2, 14, 1.25}, {7, 15, 1.45},  // New Year, Valentine's, mid-July sale
    {12, 24, 1.6}, {12, 25, 0.35}, {12, 26, 1.5}, {12, 31, 0.8},
};

// Fourth Thursday of November plus one: Black Friday.
int32_t BlackFriday(int year) {
  const int32_t nov1 = DaysFromCivil(year, 11, 1);
  const int first_thursday = nov1 + ((3 - DayOfWeek(nov1)) + 7) % 7;
  return first_thursday + 21 + 1;
}

}  // namespace

int32_t DemandModel::TrendAnchor() { return DaysFromCivil(2024, 1, 1); }

DemandModel::DemandModel(uint64_t seed, int num_products, double total_daily_units) : seed_(seed) {
  std::mt19937_64 rng(Mix(seed, 0x70726f64));  // "prod"
  const auto& cats = Categories();
  // Category shares of the catalogue: groceries and apparel have many SKUs.
  std::discrete_distribution<int> pick_category({10, 22, 18, 14, 10, 9, 8, 9});
  std::lognormal_distribution<double> price_noise(0.0, 0.35);
  std::lognormal_distribution<double> popularity(0.0, 1.0);  // long tail of slow movers
  std::normal_distribution<double> trend(0.05, 0.15);
  std::normal_distribution<double> elasticity_noise(0.0, 0.25);
  products_.reserve(num_products);
  double popularity_sum = 0;
  for (int i = 0; i < num_products; ++i) {
    Product p;
    p.product_id = fmt::format("P{:05d}", i + 1);
    p.category = pick_category(rng);
    p.base_price_usd = std::round(cats[p.category].price_median_usd * price_noise(rng) * 100.0) / 100.0 + 0.99;
    p.base_daily_units = popularity(rng);
    popularity_sum += p.base_daily_units;
    p.trend_per_year = trend(rng);
    p.elasticity = std::min(-0.3, cats[p.category].elasticity_mean + elasticity_noise(rng));
    products_.push_back(std::move(p));
  }
  for (auto& p : products_) p.base_daily_units *= total_daily_units / popularity_sum;
}

bool DemandModel::Promotion(int product, int32_t date, double* discount) const {
  const int64_t week = (static_cast<int64_t>(date) + 3) / 7;  // weeks start on Monday
  const uint64_t h = Mix(seed_ ^ 0x70726f6d6fULL, static_cast<uint64_t>(product) * 1'000'003ULL + week);
  const bool active = UnitInterval(h) < 0.08;
  if (discount) *discount = active ? static_cast<double>(10 + 5 * ((h >> 40) % 5)) / 100.0 : 0.0;
  return active;
}

double DemandModel::HolidayFactor(int category, int32_t date) const {
  const CivilDate d = CivilFromDays(date);
  double f = 1.0;
  for (const auto& h : kFixedHolidays) {
    if (h.month == d.month && h.day == d.day) f *= h.factor;
  }
  const int32_t bf = BlackFriday(d.year);
  if (date == bf) f *= 2.6;
  if (date == bf + 3) f *= 1.9;  // Cyber Monday
  // Valentine's Day is about beauty and small gifts, not groceries.
  if (d.month == 2 && d.day == 14 && Categories()[category].name == "grocery") f /= 1.25;
  return f;
}

double DemandModel::WeeklyFactor(int category, int32_t date) const {
  return Categories()[category].weekly[DayOfWeek(date)];
}

double DemandModel::YearlyFactor(int category, int32_t date) const {
  const auto& c = Categories()[category];
  const double phase = 2.0 * std::numbers::pi * (DayOfYear(date) - c.yearly_peak_doy) / 365.25;
  return 1.0 + c.yearly_amplitude * std::cos(phase);
}

double DemandModel::TrendFactor(int product, int32_t date) const {
  return std::exp(products_[product].trend_per_year * (date - TrendAnchor()) / 365.25);
}

DailyDemand DemandModel::Expected(int product, int32_t date) const {
  const Product& p = products_[product];
  DailyDemand out;
  out.date = date;
  out.product = product;
  out.promo = Promotion(product, date, &out.discount);
  out.price_usd = std::round(p.base_price_usd * (1.0 - out.discount) * 100.0) / 100.0;
  out.holiday_factor = HolidayFactor(p.category, date);
  const double promo_lift = std::pow(1.0 - out.discount, p.elasticity);
  out.expected_units = p.base_daily_units * TrendFactor(product, date) * WeeklyFactor(p.category, date) *
                       YearlyFactor(p.category, date) * out.holiday_factor * promo_lift;
  return out;
}

std::vector<DailyDemand> DemandModel::Truth(int32_t first_date, int32_t last_date) const {
  std::vector<DailyDemand> out;
  if (last_date <= first_date) return out;
  out.reserve(static_cast<size_t>(last_date - first_date) * products_.size());
  for (int32_t d = first_date; d < last_date; ++d) {
    for (int p = 0; p < static_cast<int>(products_.size()); ++p) out.push_back(Expected(p, d));
  }
  return out;
}

}  // namespace medallion::ingest
