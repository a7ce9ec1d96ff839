// tick_features: per-symbol indicators over a ticks Silver table
// (symbol string, ts timestamp, price double, volume number), each symbol's
// ticks in ts order. See ticks_indicators.h for the exact definitions.
#pragma once

#include <arrow/type_fwd.h>

#include <memory>

#include "medallion/common/result.h"

namespace medallion::transform {

inline constexpr int kVolatilityWindow = 20;

// symbol, ts, price, volume, return, rsi_14, macd, macd_signal, macd_hist,
// volatility_20 (sample std of the last 20 returns), next_direction
// (1 up / 0 not up / null on a symbol's last tick); by (symbol, ts).
Result<std::shared_ptr<arrow::Table>> TickFeatures(const std::shared_ptr<arrow::Table>& ticks);

}  // namespace medallion::transform
