// Features for a forecast made at an origin day t for the target day t + h.
//
// Leakage is impossible by construction: features are computed from a
// PastView, which holds only the target values up to t and the known-in-advance
// columns up to t + h. A day past those limits reads as NaN, so no feature,
// however written, can see the value it is asked to predict or anything after
// the origin. The label is read by the dataset builder, never through a view.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "medallion/ml/panel.h"

namespace medallion::ml {

class PastView {
 public:
  PastView(const Series& series, Day origin, int horizon);

  Day origin() const { return origin_; }
  Day target_day() const { return origin_ + horizon_; }
  int horizon() const { return horizon_; }

  // Target on `day`; NaN if `day` is after the origin, before the series or unknown.
  double Target(Day day) const;
  // Known column `column` on `day`; NaN if `day` is after the target day.
  double Known(size_t column, Day day) const;
  // Observed column `column` on `day`; NaN if `day` is after the origin.
  double Observed(size_t column, Day day) const;

 private:
  Day first_day_;
  Day origin_;
  int horizon_;
  std::span<const double> target_;               // first_day_ .. origin_ at most
  std::vector<std::span<const double>> known_;  // first_day_ .. origin_ + horizon_ at most
  std::vector<std::span<const double>> observed_;  // first_day_ .. origin_ at most
};

struct FeatureSpec {
  int season = 7;               // m: weekly seasonality for daily data
  int recent_lags = 7;          // y(t), y(t-1), ... y(t-recent_lags+1)
  int seasonal_lags = 4;        // the last seasonal_lags same-season values known at t
  std::vector<int> rolling_windows = {7, 28};  // means (and std of the first) ending at t
  bool calendar = true;         // day of week (one-hot), day of month, month of the target day
  int min_history = 28;         // origins with fewer days of the series before them are skipped
  // A "horizon" column: one model can then learn every horizon from stacked
  // rows (see BuildStackedDataset).
  bool horizon_feature = false;
  int observed_window = 7;      // observed columns: value at the origin and mean of this many days
  // Observed columns: the value at the origin over its mean of this many days
  // (0: none). A price this far below its usual level is a promotion,
  // whatever the product's own price.
  int observed_baseline_window = 28;
  // "y_baseline": the recent level (mean of the last `season` days, which
  // covers every phase once) times the target's seasonal factor, the mean of
  // its last `baseline_seasons` same-season values over the mean of the last
  // `baseline_seasons` whole seasons (0: none). One tree split on it is a good forecast, where
  // lags alone need many splits per level of demand.
  int baseline_seasons = 8;
};

// Column names, shared with the models that look features up by name.
std::string RecentLagName(int k);    // "y_last_<k>": y(t - k)
std::string SeasonalLagName(int j);  // "y_season_<j>": j-th same-season value known at t

class FeatureBuilder {
 public:
  FeatureBuilder(FeatureSpec spec, std::vector<std::string> known_columns,
                 std::vector<std::string> observed_columns = {});

  const FeatureSpec& spec() const { return spec_; }
  // Same names, in the same order, for every horizon.
  const std::vector<std::string>& names() const { return names_; }

  // Writes names().size() values for `view` into `out`.
  void Compute(const PastView& view, std::span<double> out) const;

 private:
  // "y_baseline" (see FeatureSpec::baseline_seasons).
  double Baseline(const PastView& view, int seasonal_offset) const;

  FeatureSpec spec_;
  std::vector<std::string> known_columns_;
  std::vector<std::string> observed_columns_;
  std::vector<std::string> names_;
};

}  // namespace medallion::ml
