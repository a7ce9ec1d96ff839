// Technical indicators over one symbol's prices in time order. Pure functions
// on vectors so each can be checked against hand-computed values.
#pragma once

#include <optional>
#include <vector>

namespace medallion::transform {

using Series = std::vector<std::optional<double>>;

// price[i] / price[i-1] - 1; null at i = 0.
Series SimpleReturns(const std::vector<double>& prices);

// Exponential moving average with alpha = 2 / (span + 1), seeded with the
// first value (pandas ewm(span, adjust=False)).
std::vector<double> Ema(const std::vector<double>& values, int span);

// Wilder's RSI: the first average gain/loss is the plain mean of the first
// `period` changes, later ones avg = (avg * (period - 1) + x) / period.
// Null for the first `period` prices; 100 when there was no loss (50 when
// the price did not move at all).
Series Rsi(const std::vector<double>& prices, int period = 14);

struct Macd {
  std::vector<double> line;    // EMA(fast) - EMA(slow)
  std::vector<double> signal;  // EMA(signal) of line
  std::vector<double> histogram;
};
Macd ComputeMacd(const std::vector<double>& prices, int fast = 12, int slow = 26, int signal = 9);

// Sample standard deviation of the last `window` values (nulls never
// included: a window containing a null is null).
Series RollingStd(const Series& values, int window);

// 1 if the next price is higher, 0 otherwise; null for the last tick.
std::vector<std::optional<int>> NextDirection(const std::vector<double>& prices);

}  // namespace medallion::transform
