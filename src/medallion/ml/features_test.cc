#include "medallion/ml/features.h"

#include <gtest/gtest.h>

#include <cmath>

namespace medallion::ml {
namespace {

constexpr Day kMonday = 19723;  // 2024-01-01

// A series whose every week has the same shape: target = level * profile[dow].
Series WeeklySeries(int days, double level) {
  const double profile[7] = {0.6, 0.8, 1.0, 1.0, 1.2, 1.5, 0.9};
  Series s;
  s.id = "a";
  s.first_day = kMonday;
  for (int d = 0; d < days; ++d) s.target.push_back(level * profile[d % 7]);
  s.observed.push_back(std::vector<double>(days, 10.0));
  return s;
}

double Feature(const FeatureBuilder& builder, const std::vector<double>& row, const std::string& name) {
  for (size_t i = 0; i < builder.names().size(); ++i) {
    if (builder.names()[i] == name) return row[i];
  }
  ADD_FAILURE() << "no feature " << name;
  return NAN;
}

TEST(FeatureBuilderTest, BaselineIsTheRecentLevelTimesTheTargetsSeasonalFactor) {
  FeatureBuilder builder(FeatureSpec{}, {}, {"price"});
  const Series series = WeeklySeries(84, 20.0);
  std::vector<double> row(builder.names().size());
  for (int h = 1; h <= 7; ++h) {
    const Day origin = kMonday + 70;  // 10 weeks of history
    builder.Compute(PastView(series, origin, h), row);
    const double actual = series.target[origin + h - kMonday];
    EXPECT_NEAR(Feature(builder, row, "y_baseline"), actual, 1e-9) << "horizon " << h;
  }
}

TEST(FeatureBuilderTest, BaselineFollowsALevelShiftThatTheSeasonalLagsMiss) {
  FeatureBuilder builder(FeatureSpec{}, {}, {"price"});
  Series series = WeeklySeries(84, 20.0);
  for (size_t d = 77; d < series.target.size(); ++d) series.target[d] *= 2;  // demand doubles in week 12
  std::vector<double> row(builder.names().size());
  const Day origin = kMonday + 83;  // a Sunday: the target is the next Monday
  builder.Compute(PastView(series, origin, 1), row);
  // The same-weekday lag still sees last Monday's level; the baseline sees this week's.
  EXPECT_NEAR(Feature(builder, row, "y_season_2"), 20.0 * 0.6, 1e-9);
  EXPECT_NEAR(Feature(builder, row, "y_baseline") / (40.0 * 0.6), 1.0, 0.15);
}

TEST(FeatureBuilderTest, ObservedValueAtTheOriginRelativeToItsUsualLevel) {
  FeatureBuilder builder(FeatureSpec{}, {}, {"price"});
  Series series = WeeklySeries(84, 20.0);
  for (int d = 77; d < 84; ++d) series.observed[0][d] = 8.0;  // a 20 % discount for the last week
  std::vector<double> row(builder.names().size());
  builder.Compute(PastView(series, kMonday + 80, 1), row);
  EXPECT_DOUBLE_EQ(Feature(builder, row, "price_origin"), 8.0);
  const double usual = (24 * 10.0 + 4 * 8.0) / 28;
  EXPECT_DOUBLE_EQ(Feature(builder, row, "price_origin_vs_28"), 8.0 / usual);

  FeatureSpec without;
  without.observed_baseline_window = 0;
  without.baseline_seasons = 0;
  FeatureBuilder plain(without, {}, {"price"});
  EXPECT_EQ(plain.names().size() + 2, builder.names().size());
}

}  // namespace
}  // namespace medallion::ml
