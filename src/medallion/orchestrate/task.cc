#include "medallion/orchestrate/task.h"

#include <algorithm>
#include <cmath>

namespace medallion::orchestrate {

std::chrono::milliseconds RetryPolicy::DelayBefore(int next_try) const {
  double factor = std::pow(std::max(multiplier, 1.0), std::max(next_try - 2, 0));
  double ms = static_cast<double>(initial_delay.count()) * factor;
  ms = std::min(ms, static_cast<double>(max_delay.count()));
  return std::chrono::milliseconds(static_cast<int64_t>(ms));
}

}  // namespace medallion::orchestrate
