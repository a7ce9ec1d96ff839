#include "medallion/transform/ticks_indicators.h"

#include <cmath>

namespace medallion::transform {

Series SimpleReturns(const std::vector<double>& prices) {
  Series out(prices.size());
  for (size_t i = 1; i < prices.size(); ++i) {
    if (prices[i - 1] != 0) out[i] = prices[i] / prices[i - 1] - 1;
  }
  return out;
}

std::vector<double> Ema(const std::vector<double>& values, int span) {
  std::vector<double> out(values.size());
  const double alpha = 2.0 / (span + 1);
  for (size_t i = 0; i < values.size(); ++i) {
    out[i] = i == 0 ? values[0] : alpha * values[i] + (1 - alpha) * out[i - 1];
  }
  return out;
}

Series Rsi(const std::vector<double>& prices, int period) {
  Series out(prices.size());
  if (prices.size() <= static_cast<size_t>(period)) return out;
  double gain = 0, loss = 0;
  auto rsi = [](double g, double l) {
    if (l == 0) return g == 0 ? 50.0 : 100.0;
    return 100.0 - 100.0 / (1.0 + g / l);
  };
  for (int i = 1; i <= period; ++i) {
    double change = prices[i] - prices[i - 1];
    gain += change > 0 ? change : 0;
    loss += change < 0 ? -change : 0;
  }
  gain /= period;
  loss /= period;
  out[period] = rsi(gain, loss);
  for (size_t i = period + 1; i < prices.size(); ++i) {
    double change = prices[i] - prices[i - 1];
    gain = (gain * (period - 1) + (change > 0 ? change : 0)) / period;
    loss = (loss * (period - 1) + (change < 0 ? -change : 0)) / period;
    out[i] = rsi(gain, loss);
  }
  return out;
}

Macd ComputeMacd(const std::vector<double>& prices, int fast, int slow, int signal) {
  Macd m;
  auto fast_ema = Ema(prices, fast);
  auto slow_ema = Ema(prices, slow);
  m.line.resize(prices.size());
  for (size_t i = 0; i < prices.size(); ++i) m.line[i] = fast_ema[i] - slow_ema[i];
  m.signal = Ema(m.line, signal);
  m.histogram.resize(prices.size());
  for (size_t i = 0; i < prices.size(); ++i) m.histogram[i] = m.line[i] - m.signal[i];
  return m;
}

Series RollingStd(const Series& values, int window) {
  Series out(values.size());
  for (size_t end = window; end <= values.size(); ++end) {
    double sum = 0;
    bool complete = true;
    for (size_t i = end - window; i < end; ++i) {
      if (!values[i]) complete = false;
      else sum += *values[i];
    }
    if (!complete) continue;
    double mean = sum / window, squares = 0;
    for (size_t i = end - window; i < end; ++i) squares += (*values[i] - mean) * (*values[i] - mean);
    out[end - 1] = std::sqrt(squares / (window - 1));
  }
  return out;
}

std::vector<std::optional<int>> NextDirection(const std::vector<double>& prices) {
  std::vector<std::optional<int>> out(prices.size());
  for (size_t i = 0; i + 1 < prices.size(); ++i) out[i] = prices[i + 1] > prices[i] ? 1 : 0;
  return out;
}

}  // namespace medallion::transform
