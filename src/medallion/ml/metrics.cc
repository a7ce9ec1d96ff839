#include "medallion/ml/metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

namespace medallion::ml {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Status CheckPairs(std::span<const double> a, std::span<const double> b, const char* what) {
  if (a.size() != b.size()) {
    return Status::InvalidArgument(std::string(what) + ": " + std::to_string(a.size()) + " actual values but " +
                                   std::to_string(b.size()) + " predictions");
  }
  for (size_t i = 0; i < a.size(); ++i) {
    if (!std::isfinite(a[i]) || !std::isfinite(b[i])) {
      return Status::InvalidArgument(std::string(what) + ": row " + std::to_string(i) + " is not finite");
    }
  }
  return Status::OK();
}

}  // namespace

double MeanAbsoluteError(std::span<const double> actual, std::span<const double> predicted) {
  if (actual.empty()) return kNaN;
  double sum = 0;
  for (size_t i = 0; i < actual.size(); ++i) sum += std::abs(actual[i] - predicted[i]);
  return sum / static_cast<double>(actual.size());
}

double RootMeanSquaredError(std::span<const double> actual, std::span<const double> predicted) {
  if (actual.empty()) return kNaN;
  double sum = 0;
  for (size_t i = 0; i < actual.size(); ++i) sum += (actual[i] - predicted[i]) * (actual[i] - predicted[i]);
  return std::sqrt(sum / static_cast<double>(actual.size()));
}

double WeightedAbsolutePercentageError(std::span<const double> actual, std::span<const double> predicted) {
  double errors = 0, volume = 0;
  for (size_t i = 0; i < actual.size(); ++i) {
    errors += std::abs(actual[i] - predicted[i]);
    volume += std::abs(actual[i]);
  }
  return volume > 0 ? errors / volume : kNaN;
}

double SymmetricMeanAbsolutePercentageError(std::span<const double> actual, std::span<const double> predicted) {
  if (actual.empty()) return kNaN;
  double sum = 0;
  for (size_t i = 0; i < actual.size(); ++i) {
    const double denominator = std::abs(actual[i]) + std::abs(predicted[i]);
    if (denominator > 0) sum += 2 * std::abs(actual[i] - predicted[i]) / denominator;
  }
  return sum / static_cast<double>(actual.size());
}

double RSquared(std::span<const double> actual, std::span<const double> predicted) {
  if (actual.empty()) return kNaN;
  const double mean = std::accumulate(actual.begin(), actual.end(), 0.0) / static_cast<double>(actual.size());
  double residual = 0, total = 0;
  for (size_t i = 0; i < actual.size(); ++i) {
    residual += (actual[i] - predicted[i]) * (actual[i] - predicted[i]);
    total += (actual[i] - mean) * (actual[i] - mean);
  }
  return total > 0 ? 1 - residual / total : kNaN;
}

double Bias(std::span<const double> actual, std::span<const double> predicted) {
  if (actual.empty()) return kNaN;
  double sum = 0;
  for (size_t i = 0; i < actual.size(); ++i) sum += predicted[i] - actual[i];
  return sum / static_cast<double>(actual.size());
}

double SeasonalNaiveScale(std::span<const double> history, int season) {
  double sum = 0;
  size_t count = 0;
  for (size_t i = static_cast<size_t>(season); i < history.size(); ++i) {
    if (std::isnan(history[i]) || std::isnan(history[i - season])) continue;
    sum += std::abs(history[i] - history[i - season]);
    ++count;
  }
  return count > 0 ? sum / static_cast<double>(count) : kNaN;
}

double MeanAbsoluteScaledError(std::span<const double> actual, std::span<const double> predicted, double scale) {
  return scale > 0 ? MeanAbsoluteError(actual, predicted) / scale : kNaN;
}

Result<RegressionMetrics> ComputeRegressionMetrics(std::span<const double> actual, std::span<const double> predicted,
                                                   double mase_scale) {
  MEDALLION_RETURN_IF_ERROR(CheckPairs(actual, predicted, "regression metrics"));
  RegressionMetrics m;
  m.count = actual.size();
  m.mae = MeanAbsoluteError(actual, predicted);
  m.rmse = RootMeanSquaredError(actual, predicted);
  m.wape = WeightedAbsolutePercentageError(actual, predicted);
  m.smape = SymmetricMeanAbsolutePercentageError(actual, predicted);
  m.mase = MeanAbsoluteScaledError(actual, predicted, mase_scale);
  m.r2 = RSquared(actual, predicted);
  m.bias = Bias(actual, predicted);
  return m;
}

double Accuracy(std::span<const double> labels, std::span<const double> scores, double threshold) {
  if (labels.empty()) return kNaN;
  size_t right = 0;
  for (size_t i = 0; i < labels.size(); ++i) right += ((scores[i] >= threshold) == (labels[i] > 0.5));
  return static_cast<double>(right) / static_cast<double>(labels.size());
}

double F1Score(std::span<const double> labels, std::span<const double> scores, double threshold) {
  double tp = 0, fp = 0, fn = 0;
  for (size_t i = 0; i < labels.size(); ++i) {
    const bool predicted = scores[i] >= threshold, actual = labels[i] > 0.5;
    tp += predicted && actual;
    fp += predicted && !actual;
    fn += !predicted && actual;
  }
  // No positives predicted and none present: F1 is undefined, not perfect.
  return tp + fp + fn > 0 ? 2 * tp / (2 * tp + fp + fn) : kNaN;
}

double RocAuc(std::span<const double> labels, std::span<const double> scores) {
  const size_t n = labels.size();
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return scores[a] < scores[b]; });
  double positive_rank_sum = 0, positives = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && scores[order[j]] == scores[order[i]]) ++j;
    const double average_rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2;  // ranks are 1-based
    for (size_t k = i; k < j; ++k) {
      if (labels[order[k]] > 0.5) positive_rank_sum += average_rank, ++positives;
    }
    i = j;
  }
  const double negatives = static_cast<double>(n) - positives;
  if (positives == 0 || negatives == 0) return kNaN;
  return (positive_rank_sum - positives * (positives + 1) / 2) / (positives * negatives);
}

Result<ClassificationMetrics> ComputeClassificationMetrics(std::span<const double> labels,
                                                           std::span<const double> scores, double threshold) {
  MEDALLION_RETURN_IF_ERROR(CheckPairs(labels, scores, "classification metrics"));
  for (size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] != 0 && labels[i] != 1) {
      return Status::InvalidArgument("classification metrics: label at row " + std::to_string(i) + " is not 0 or 1");
    }
  }
  return ClassificationMetrics{labels.size(), Accuracy(labels, scores, threshold), F1Score(labels, scores, threshold),
                               RocAuc(labels, scores)};
}

Result<ClassificationMetrics> MajorityClassBaseline(std::span<const double> train_labels,
                                                    std::span<const double> test_labels) {
  if (train_labels.empty()) return Status::InvalidArgument("majority-class baseline: no training labels");
  const double ones = std::count(train_labels.begin(), train_labels.end(), 1.0);
  const double majority = ones * 2 > static_cast<double>(train_labels.size()) ? 1.0 : 0.0;
  const std::vector<double> constant(test_labels.size(), majority);
  return ComputeClassificationMetrics(test_labels, constant);
}

double Quantile(std::vector<double> values, double q) {
  if (values.empty()) return kNaN;
  std::sort(values.begin(), values.end());
  const double position = std::clamp(q, 0.0, 1.0) * static_cast<double>(values.size() - 1);
  const size_t below = static_cast<size_t>(std::floor(position));
  const size_t above = std::min(below + 1, values.size() - 1);
  return values[below] + (position - static_cast<double>(below)) * (values[above] - values[below]);
}

}  // namespace medallion::ml
