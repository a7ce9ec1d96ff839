#include "medallion/ml/forecast.h"

#include <gtest/gtest.h>

#include "medallion/ml/synthetic.h"

namespace medallion::ml {
namespace {

TEST(ForecastTest, OneForecastPerSeriesAndHorizonWithIntervalsAroundThePoint) {
  auto table = MakeSyntheticDemand(SyntheticSpec{.series = 4, .days = 120});
  ASSERT_TRUE(table.ok());
  PanelSpec panel_spec;
  panel_spec.known_columns = {"price", "promo"};
  auto panel = Panel::FromTable(**table, panel_spec);
  ASSERT_TRUE(panel.ok()) << panel.status();
  FeatureBuilder features(FeatureSpec{}, panel_spec.known_columns);
  auto factory = [] { return CreateModel("ridge"); };

  BacktestSpec backtest;
  backtest.horizons = {1, 3};
  backtest.folds = 2;
  auto report = RunBacktest(*panel, features, backtest, factory);
  ASSERT_TRUE(report.ok()) << report.status();

  ForecastSpec spec;
  spec.horizons = {1, 3};
  const Day origin = panel->last_observed_day() - 10;
  auto forecasts = ForecastFromOrigin(*panel, features, spec, factory, report->horizons, origin);
  ASSERT_TRUE(forecasts.ok()) << forecasts.status();
  ASSERT_EQ(forecasts->size(), 8u);
  for (const auto& f : *forecasts) {
    EXPECT_EQ(f.origin, origin);
    EXPECT_EQ(f.target_day, origin + f.horizon);
    EXPECT_LT(f.lower, f.point);
    EXPECT_GT(f.upper, f.point);
    // The synthetic demand is positive and in the tens to hundreds.
    EXPECT_GT(f.point, 1);
    EXPECT_LT(f.point, 1000);
  }
}

}  // namespace
}  // namespace medallion::ml
