#include "medallion/ml/features.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

namespace medallion::ml {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The distance back from the target day to the nearest same-season day that
// the origin already knows: the smallest multiple of m that is >= h.
int SeasonalOffset(int horizon, int season) { return season * ((horizon + season - 1) / season); }

// Mean of the known values of `value(day)` for the `window` days ending at `last`; NaN if none.
template <typename Value>
double MeanOf(Day last, int window, Value value) {
  double sum = 0;
  int count = 0;
  for (int k = 0; k < window; ++k) {
    const double v = value(last - k);
    if (!std::isnan(v)) sum += v, ++count;
  }
  return count > 0 ? sum / count : kNaN;
}

}  // namespace

std::string RecentLagName(int k) { return "y_last_" + std::to_string(k); }
std::string SeasonalLagName(int j) { return "y_season_" + std::to_string(j); }

PastView::PastView(const Series& series, Day origin, int horizon)
    : first_day_(series.first_day), origin_(origin), horizon_(horizon) {
  auto visible = [&](Day last_visible) {
    const int64_t n = std::clamp<int64_t>(int64_t{last_visible} - first_day_ + 1, 0,
                                          static_cast<int64_t>(series.target.size()));
    return static_cast<size_t>(n);
  };
  target_ = std::span<const double>(series.target.data(), visible(origin));
  for (const auto& column : series.known) known_.emplace_back(column.data(), visible(origin + horizon));
  for (const auto& column : series.observed) observed_.emplace_back(column.data(), visible(origin));
}

double PastView::Target(Day day) const {
  const int64_t at = int64_t{day} - first_day_;
  return at >= 0 && at < static_cast<int64_t>(target_.size()) ? target_[at] : kNaN;
}

double PastView::Known(size_t column, Day day) const {
  const int64_t at = int64_t{day} - first_day_;
  const auto& values = known_[column];
  return at >= 0 && at < static_cast<int64_t>(values.size()) ? values[at] : kNaN;
}

double PastView::Observed(size_t column, Day day) const {
  const int64_t at = int64_t{day} - first_day_;
  const auto& values = observed_[column];
  return at >= 0 && at < static_cast<int64_t>(values.size()) ? values[at] : kNaN;
}

FeatureBuilder::FeatureBuilder(FeatureSpec spec, std::vector<std::string> known_columns,
                               std::vector<std::string> observed_columns)
    : spec_(std::move(spec)), known_columns_(std::move(known_columns)), observed_columns_(std::move(observed_columns)) {
  for (int k = 0; k < spec_.recent_lags; ++k) names_.push_back(RecentLagName(k));
  for (int j = 1; j <= spec_.seasonal_lags; ++j) names_.push_back(SeasonalLagName(j));
  if (spec_.seasonal_lags > 0) names_.push_back("y_season_mean");
  if (spec_.baseline_seasons > 0) names_.push_back("y_baseline");
  for (size_t w = 0; w < spec_.rolling_windows.size(); ++w) {
    names_.push_back("y_mean_" + std::to_string(spec_.rolling_windows[w]));
    if (w == 0) names_.push_back("y_std_" + std::to_string(spec_.rolling_windows[w]));
  }
  for (const auto& column : known_columns_) {
    names_.push_back(column);                 // at the target day
    names_.push_back(column + "_season_1");   // at the day y_season_1 comes from
    names_.push_back(column + "_last");       // at the origin
  }
  for (const auto& column : observed_columns_) {
    names_.push_back(column + "_origin");                                          // at the origin
    names_.push_back(column + "_mean_" + std::to_string(spec_.observed_window));  // ending at the origin
    if (spec_.observed_baseline_window > 0) {
      names_.push_back(column + "_origin_vs_" + std::to_string(spec_.observed_baseline_window));
    }
  }
  if (spec_.horizon_feature) names_.push_back("horizon");
  if (spec_.calendar) {
    for (int d = 0; d < 7; ++d) names_.push_back("dow_" + std::to_string(d));
    names_.push_back("day_of_month");
    names_.push_back("month");
  }
}

double FeatureBuilder::Baseline(const PastView& view, int seasonal_offset) const {
  const int m = spec_.season;
  auto target = [&](Day day) { return view.Target(day); };
  const double level = MeanOf(view.origin(), m, target);
  // Same-season days of the target, newest first. The newest is within one
  // season of the origin, so the whole seasons ending at the origin hold them
  // and as many days of every other phase.
  const Day newest = view.target_day() - seasonal_offset;
  double same_sum = 0;
  int same_count = 0;
  for (int j = 0; j < spec_.baseline_seasons; ++j) {
    const double v = view.Target(newest - j * m);
    if (!std::isnan(v)) same_sum += v, ++same_count;
  }
  const double span_mean = MeanOf(view.origin(), spec_.baseline_seasons * m, target);
  if (same_count == 0 || std::isnan(span_mean) || span_mean <= 0 || std::isnan(level)) return kNaN;
  return level * (same_sum / same_count) / span_mean;
}

void FeatureBuilder::Compute(const PastView& view, std::span<double> out) const {
  size_t i = 0;
  const Day t = view.origin();
  const Day target = view.target_day();
  for (int k = 0; k < spec_.recent_lags; ++k) out[i++] = view.Target(t - k);

  const int offset = SeasonalOffset(view.horizon(), spec_.season);
  double season_sum = 0;
  int season_count = 0;
  for (int j = 1; j <= spec_.seasonal_lags; ++j) {
    const double v = view.Target(target - offset - (j - 1) * spec_.season);
    out[i++] = v;
    if (!std::isnan(v)) season_sum += v, ++season_count;
  }
  if (spec_.seasonal_lags > 0) out[i++] = season_count > 0 ? season_sum / season_count : kNaN;
  if (spec_.baseline_seasons > 0) out[i++] = Baseline(view, offset);

  for (size_t w = 0; w < spec_.rolling_windows.size(); ++w) {
    double sum = 0, squares = 0;
    int count = 0;
    for (int k = 0; k < spec_.rolling_windows[w]; ++k) {
      const double v = view.Target(t - k);
      if (!std::isnan(v)) sum += v, squares += v * v, ++count;
    }
    const double mean = count > 0 ? sum / count : kNaN;
    out[i++] = mean;
    if (w == 0) out[i++] = count > 1 ? std::sqrt(std::max(0.0, squares / count - mean * mean)) : kNaN;
  }

  for (size_t c = 0; c < known_columns_.size(); ++c) {
    out[i++] = view.Known(c, target);
    out[i++] = view.Known(c, target - offset);
    out[i++] = view.Known(c, t);
  }

  for (size_t c = 0; c < observed_columns_.size(); ++c) {
    const double at_origin = view.Observed(c, t);
    out[i++] = at_origin;
    out[i++] = MeanOf(t, spec_.observed_window, [&](Day day) { return view.Observed(c, day); });
    if (spec_.observed_baseline_window > 0) {
      const double usual = MeanOf(t, spec_.observed_baseline_window, [&](Day day) { return view.Observed(c, day); });
      out[i++] = usual != 0 ? at_origin / usual : kNaN;
    }
  }
  if (spec_.horizon_feature) out[i++] = view.horizon();
  if (spec_.calendar) {
    const std::chrono::sys_days day{std::chrono::days{target}};
    const unsigned weekday = std::chrono::weekday{day}.iso_encoding() - 1;  // Monday = 0
    for (unsigned d = 0; d < 7; ++d) out[i++] = d == weekday ? 1.0 : 0.0;
    const std::chrono::year_month_day ymd{day};
    out[i++] = static_cast<unsigned>(ymd.day());
    out[i++] = static_cast<unsigned>(ymd.month());
  }
}

}  // namespace medallion::ml
