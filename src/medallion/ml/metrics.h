// Forecast and classification metrics. Ratios are fractions, not percent
// (WAPE 0.12 = 12 %). A metric that is undefined for its input (no rows, a zero
// denominator) is NaN rather than a made-up number.
#pragma once

#include <span>
#include <vector>

#include "medallion/common/result.h"

namespace medallion::ml {

double MeanAbsoluteError(std::span<const double> actual, std::span<const double> predicted);
double RootMeanSquaredError(std::span<const double> actual, std::span<const double> predicted);
// sum |A - F| / sum |A|: errors weighted by volume, robust to zero days.
double WeightedAbsolutePercentageError(std::span<const double> actual, std::span<const double> predicted);
// mean 2|A - F| / (|A| + |F|), in [0, 2]; a day with A = F = 0 counts as 0.
double SymmetricMeanAbsolutePercentageError(std::span<const double> actual, std::span<const double> predicted);
double RSquared(std::span<const double> actual, std::span<const double> predicted);
// mean (F - A): positive means over-forecasting.
double Bias(std::span<const double> actual, std::span<const double> predicted);

// MASE's denominator: the in-sample mean |y(t) - y(t - m)| of the seasonal
// naive forecast, over the pairs where both values are known (NaN skipped).
double SeasonalNaiveScale(std::span<const double> history, int season);
// MAE / scale.
double MeanAbsoluteScaledError(std::span<const double> actual, std::span<const double> predicted, double scale);

struct RegressionMetrics {
  size_t count = 0;
  double mae = 0, rmse = 0, wape = 0, smape = 0, mase = 0, r2 = 0, bias = 0;
};

// InvalidArgument if the lengths differ or a value is not finite.
Result<RegressionMetrics> ComputeRegressionMetrics(std::span<const double> actual, std::span<const double> predicted,
                                                   double mase_scale);

// Binary classification: labels are 0 or 1, scores are P(label = 1).
double Accuracy(std::span<const double> labels, std::span<const double> scores, double threshold = 0.5);
double F1Score(std::span<const double> labels, std::span<const double> scores, double threshold = 0.5);
// Probability that a random positive scores above a random negative, ties
// counting one half (Mann-Whitney U with average ranks). NaN with one class.
double RocAuc(std::span<const double> labels, std::span<const double> scores);

struct ClassificationMetrics {
  size_t count = 0;
  double accuracy = 0, f1 = 0, roc_auc = 0;
};

Result<ClassificationMetrics> ComputeClassificationMetrics(std::span<const double> labels,
                                                           std::span<const double> scores, double threshold = 0.5);

// The baseline a classifier must beat: always predict the training majority
// class (a constant score, so AUC 0.5; a tie goes to class 0), scored on
// `test_labels`.
Result<ClassificationMetrics> MajorityClassBaseline(std::span<const double> train_labels,
                                                    std::span<const double> test_labels);

// Quantile q in [0, 1] of `values` with linear interpolation (NumPy's default).
double Quantile(std::vector<double> values, double q);

}  // namespace medallion::ml
