// Synthetic daily demand with known structure (level per series, linear trend,
// weekly seasonality, promotions that lift demand, price, Gaussian noise), as a
// long Arrow table in the panel's default column names. For tests, demos and
// benchmarks: a model that cannot beat seasonal naive here is broken.
#pragma once

#include <cstdint>
#include <memory>

#include "medallion/common/result.h"

namespace arrow {
class Table;
}

namespace medallion::ml {

struct SyntheticSpec {
  int series = 8;
  int days = 180;
  int32_t first_day = 19723;   // 2024-01-01
  double trend_per_day = 0.002;  // relative growth of the level per day
  double weekly_amplitude = 0.3;  // relative swing across the week
  double promo_probability = 0.15;
  double promo_lift = 0.6;        // relative lift on promo days
  double noise = 0.08;            // relative standard deviation
  uint64_t seed = 42;
};

// Columns: series_id (utf8), date (date32), target, price, promo (float64).
Result<std::shared_ptr<arrow::Table>> MakeSyntheticDemand(const SyntheticSpec& spec);

}  // namespace medallion::ml
