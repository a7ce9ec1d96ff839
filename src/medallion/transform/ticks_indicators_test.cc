#include "medallion/transform/ticks_indicators.h"

#include <gtest/gtest.h>

#include <cmath>

namespace medallion::transform {
namespace {

TEST(TickIndicators, SimpleReturns) {
  auto r = SimpleReturns({10, 11, 9.9});
  EXPECT_FALSE(r[0]);
  EXPECT_NEAR(*r[1], 0.1, 1e-15);
  EXPECT_NEAR(*r[2], -0.1, 1e-15);
}

TEST(TickIndicators, EmaSeededWithFirstValue) {
  EXPECT_EQ(Ema({2, 4, 8}, 3), (std::vector<double>{2, 3, 5.5}));  // alpha = 0.5
}

TEST(TickIndicators, RsiWilderSmoothingByHand) {
  // Changes +1, -1, +2, +1, -1. Period 3:
  //   i=3: gain 3/3 = 1, loss 1/3        -> RS 3     -> 75
  //   i=4: gain (2+1)/3 = 1, loss 2/9    -> RS 4.5   -> 100 - 100/5.5
  //   i=5: gain 2/3, loss (4/9 + 1)/3    -> RS 18/13 -> 100 - 1300/31
  auto rsi = Rsi({10, 11, 10, 12, 13, 12}, 3);
  EXPECT_FALSE(rsi[0]);
  EXPECT_FALSE(rsi[2]);
  EXPECT_DOUBLE_EQ(*rsi[3], 75);
  EXPECT_NEAR(*rsi[4], 100 - 100 / 5.5, 1e-12);
  EXPECT_NEAR(*rsi[5], 100 - 1300.0 / 31, 1e-12);
}

TEST(TickIndicators, Rsi14NeedsFifteenPricesAndIs100WithoutLosses) {
  std::vector<double> up;
  for (int i = 0; i < 16; ++i) up.push_back(100 + i);
  auto rsi = Rsi(up, 14);
  EXPECT_FALSE(rsi[13]);
  EXPECT_DOUBLE_EQ(*rsi[14], 100);
  EXPECT_DOUBLE_EQ(*rsi[15], 100);
  std::vector<double> flat(15, 7);
  EXPECT_DOUBLE_EQ(*Rsi(flat, 14)[14], 50);
}

TEST(TickIndicators, MacdLineSignalHistogram) {
  // fast span 1 is the price itself; slow span 3 has alpha 0.5; signal span 3.
  auto m = ComputeMacd({2, 4, 8}, 1, 3, 3);
  EXPECT_EQ(m.line, (std::vector<double>{0, 1, 2.5}));       // price - (2, 3, 5.5)
  EXPECT_EQ(m.signal, (std::vector<double>{0, 0.5, 1.5}));   // EMA(0.5) of the line
  EXPECT_EQ(m.histogram, (std::vector<double>{0, 0.5, 1.0}));
  auto flat = ComputeMacd(std::vector<double>(40, 3.0));
  EXPECT_DOUBLE_EQ(flat.line.back(), 0);
  EXPECT_DOUBLE_EQ(flat.signal.back(), 0);
}

TEST(TickIndicators, RollingStdSkipsIncompleteWindows) {
  auto s = RollingStd({std::nullopt, 1.0, 2.0, 4.0}, 3);
  EXPECT_FALSE(s[1]);
  EXPECT_FALSE(s[2]);  // holds the null
  EXPECT_NEAR(*s[3], std::sqrt(7.0 / 3), 1e-12);
}

TEST(TickIndicators, NextDirectionLabel) {
  auto d = NextDirection({1, 2, 2, 1});
  EXPECT_EQ(*d[0], 1);
  EXPECT_EQ(*d[1], 0);  // unchanged is not up
  EXPECT_EQ(*d[2], 0);
  EXPECT_FALSE(d[3]);
}

}  // namespace
}  // namespace medallion::transform
