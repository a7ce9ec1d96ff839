#include "medallion/ml/metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace medallion::ml {
namespace {

// Hand-computed: errors A - F are -2, 2, -3, -1.
const std::vector<double> kActual = {10, 20, 30, 0};
const std::vector<double> kForecast = {12, 18, 33, 1};

TEST(RegressionMetricsTest, MatchHandComputedValues) {
  EXPECT_DOUBLE_EQ(MeanAbsoluteError(kActual, kForecast), 2.0);
  EXPECT_DOUBLE_EQ(RootMeanSquaredError(kActual, kForecast), std::sqrt(4.5));
  EXPECT_DOUBLE_EQ(WeightedAbsolutePercentageError(kActual, kForecast), 8.0 / 60.0);
  // 2*2/22 + 2*2/38 + 2*3/63 + 2*1/1, averaged over 4.
  EXPECT_NEAR(SymmetricMeanAbsolutePercentageError(kActual, kForecast),
              (4.0 / 22 + 4.0 / 38 + 6.0 / 63 + 2.0) / 4, 1e-12);
  // Mean 15, total sum of squares 500, residual 18.
  EXPECT_DOUBLE_EQ(RSquared(kActual, kForecast), 1 - 18.0 / 500.0);
  EXPECT_DOUBLE_EQ(Bias(kActual, kForecast), 1.0);
}

TEST(RegressionMetricsTest, MaseUsesInSampleSeasonalNaiveScale) {
  // m = 7: the second week differs from the first by 2 on day 0 and 2 on day 6.
  const std::vector<double> history = {1, 2, 3, 4, 5, 6, 7, 3, 2, 3, 4, 5, 6, 9};
  const double scale = SeasonalNaiveScale(history, 7);
  EXPECT_DOUBLE_EQ(scale, 4.0 / 7.0);
  EXPECT_DOUBLE_EQ(MeanAbsoluteScaledError(kActual, kForecast, scale), 2.0 / (4.0 / 7.0));
}

TEST(RegressionMetricsTest, ScaleSkipsUnknownDays) {
  const std::vector<double> history = {1, NAN, 5, 2, 9};  // m = 2: pairs (1,5) and (5,9); NaN pairs skipped
  EXPECT_DOUBLE_EQ(SeasonalNaiveScale(history, 2), 4.0);
}

TEST(RegressionMetricsTest, AggregateChecksInputAndFillsEveryField) {
  auto m = ComputeRegressionMetrics(kActual, kForecast, 0.5);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->count, 4u);
  EXPECT_DOUBLE_EQ(m->mase, 4.0);
  EXPECT_DOUBLE_EQ(m->wape, 8.0 / 60.0);
  EXPECT_FALSE(ComputeRegressionMetrics(kActual, std::vector<double>{1, 2}, 1).ok());
  EXPECT_FALSE(ComputeRegressionMetrics(std::vector<double>{1, NAN}, std::vector<double>{1, 2}, 1).ok());
}

TEST(RegressionMetricsTest, UndefinedIsNaN) {
  EXPECT_TRUE(std::isnan(WeightedAbsolutePercentageError(std::vector<double>{0, 0}, std::vector<double>{1, 1})));
  EXPECT_TRUE(std::isnan(MeanAbsoluteError({}, {})));
  EXPECT_TRUE(std::isnan(RSquared(std::vector<double>{3, 3}, std::vector<double>{3, 4})));
}

TEST(ClassificationMetricsTest, AccuracyAndF1) {
  const std::vector<double> labels = {1, 0, 1, 1, 0};
  const std::vector<double> scores = {0.9, 0.6, 0.4, 0.7, 0.1};  // predicted 1, 1, 0, 1, 0
  EXPECT_DOUBLE_EQ(Accuracy(labels, scores), 0.6);
  EXPECT_DOUBLE_EQ(F1Score(labels, scores), 2.0 * 2 / (2.0 * 2 + 1 + 1));  // tp 2, fp 1, fn 1
}

TEST(ClassificationMetricsTest, RocAucCountsTiesAsHalf) {
  EXPECT_DOUBLE_EQ(RocAuc(std::vector<double>{0, 0, 1, 1}, std::vector<double>{0.1, 0.4, 0.35, 0.8}), 0.75);
  // Positive 0.5 ties negative 0.5 (1/2) and beats 0.2; positive 0.9 beats both: 3.5 / 4.
  EXPECT_DOUBLE_EQ(RocAuc(std::vector<double>{0, 1, 0, 1}, std::vector<double>{0.5, 0.5, 0.2, 0.9}), 0.875);
  EXPECT_DOUBLE_EQ(RocAuc(std::vector<double>{0, 1, 0, 1}, std::vector<double>{0.3, 0.3, 0.3, 0.3}), 0.5);
  EXPECT_TRUE(std::isnan(RocAuc(std::vector<double>{1, 1}, std::vector<double>{0.2, 0.3})));
}

TEST(ClassificationMetricsTest, MajorityClassBaseline) {
  // Training majority is 1, so every test row is called 1.
  auto m = MajorityClassBaseline(std::vector<double>{1, 1, 0}, std::vector<double>{1, 0, 0, 1});
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_DOUBLE_EQ(m->accuracy, 0.5);
  EXPECT_DOUBLE_EQ(m->f1, 2.0 * 2 / (2.0 * 2 + 2));
  EXPECT_DOUBLE_EQ(m->roc_auc, 0.5);
  EXPECT_FALSE(ComputeClassificationMetrics(std::vector<double>{2}, std::vector<double>{0.5}).ok());
}

TEST(QuantileTest, InterpolatesLinearly) {
  EXPECT_DOUBLE_EQ(Quantile({4, 1, 3, 2}, 0.25), 1.75);
  EXPECT_DOUBLE_EQ(Quantile({4, 1, 3, 2}, 0.5), 2.5);
  EXPECT_DOUBLE_EQ(Quantile({4, 1, 3, 2}, 1.0), 4.0);
}

}  // namespace
}  // namespace medallion::ml
