#include "medallion/ml/synthetic.h"

#include <arrow/api.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>

#include "medallion/common/arrow_status.h"

namespace medallion::ml {

Result<std::shared_ptr<arrow::Table>> MakeSyntheticDemand(const SyntheticSpec& spec) {
  std::mt19937_64 rng(spec.seed);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::normal_distribution<double> normal(0.0, 1.0);
  constexpr double kPi = 3.14159265358979323846;

  arrow::StringBuilder ids;
  arrow::Date32Builder dates;
  arrow::DoubleBuilder targets, prices, promos;
  for (int s = 0; s < spec.series; ++s) {
    const double level = 20 + 80 * uniform(rng);
    const double phase = 2 * kPi * uniform(rng);
    const double base_price = 2 + 8 * uniform(rng);
    const std::string id = "P" + std::to_string(1000 + s);
    for (int d = 0; d < spec.days; ++d) {
      const int32_t day = spec.first_day + d;
      const int weekday = ((day % 7) + 7 + 3) % 7;  // 1970-01-01 was a Thursday; Monday = 0
      const bool promo = uniform(rng) < spec.promo_probability;
      const double price = base_price * (promo ? 0.8 : 1.0);
      const double season = 1 + spec.weekly_amplitude * std::sin(2 * kPi * weekday / 7 + phase);
      const double mean = level * (1 + spec.trend_per_day * d) * season * (promo ? 1 + spec.promo_lift : 1.0);
      const double value = std::max(0.0, mean * (1 + spec.noise * normal(rng)));
      MEDALLION_RETURN_IF_ARROW_ERROR(ids.Append(id));
      MEDALLION_RETURN_IF_ARROW_ERROR(dates.Append(day));
      MEDALLION_RETURN_IF_ARROW_ERROR(targets.Append(value));
      MEDALLION_RETURN_IF_ARROW_ERROR(prices.Append(price));
      MEDALLION_RETURN_IF_ARROW_ERROR(promos.Append(promo ? 1.0 : 0.0));
    }
  }
  std::shared_ptr<arrow::Array> id_array, date_array, target_array, price_array, promo_array;
  MEDALLION_RETURN_IF_ARROW_ERROR(ids.Finish(&id_array));
  MEDALLION_RETURN_IF_ARROW_ERROR(dates.Finish(&date_array));
  MEDALLION_RETURN_IF_ARROW_ERROR(targets.Finish(&target_array));
  MEDALLION_RETURN_IF_ARROW_ERROR(prices.Finish(&price_array));
  MEDALLION_RETURN_IF_ARROW_ERROR(promos.Finish(&promo_array));
  auto schema = arrow::schema({arrow::field("series_id", arrow::utf8()), arrow::field("date", arrow::date32()),
                               arrow::field("target", arrow::float64()), arrow::field("price", arrow::float64()),
                               arrow::field("promo", arrow::float64())});
  return arrow::Table::Make(schema, {id_array, date_array, target_array, price_array, promo_array});
}

}  // namespace medallion::ml
