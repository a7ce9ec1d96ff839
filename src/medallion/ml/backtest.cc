#include "medallion/ml/backtest.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "medallion/ml/seasonal_naive_model.h"

namespace medallion::ml {

namespace {

struct Scored {
  std::vector<double> actual, model, naive;
  void Append(const Scored& other) {
    actual.insert(actual.end(), other.actual.begin(), other.actual.end());
    model.insert(model.end(), other.model.begin(), other.model.end());
    naive.insert(naive.end(), other.naive.begin(), other.naive.end());
  }
};

// Pooled over every series, using only days up to `cutoff`.
double PooledSeasonalScale(const Panel& panel, int season, Day cutoff) {
  double weighted = 0, pairs = 0;
  for (const auto& series : panel.series()) {
    const int64_t visible = std::clamp<int64_t>(int64_t{cutoff} - series.first_day + 1, 0,
                                                static_cast<int64_t>(series.target.size()));
    std::span<const double> history(series.target.data(), static_cast<size_t>(visible));
    double count = 0;
    for (size_t i = static_cast<size_t>(season); i < history.size(); ++i) {
      count += !std::isnan(history[i]) && !std::isnan(history[i - season]);
    }
    const double scale = SeasonalNaiveScale(history, season);
    if (count > 0) weighted += scale * count, pairs += count;
  }
  return pairs > 0 ? weighted / pairs : std::nan("");
}

Result<RegressionMetrics> Score(const std::vector<double>& actual, const std::vector<double>& predicted, double scale) {
  return ComputeRegressionMetrics(actual, predicted, scale);
}

}  // namespace

Result<BacktestReport> RunBacktest(const Panel& panel, const FeatureBuilder& features, const BacktestSpec& spec,
                                   const ModelFactory& make_model, const BacktestProgress& progress, FitPool* pool) {
  if (spec.horizons.empty() || spec.folds < 1 || spec.fold_step < 1) {
    return Status::InvalidArgument("backtest needs at least one horizon, one fold and fold_step >= 1");
  }
  for (int h : spec.horizons) {
    if (h < 1) return Status::InvalidArgument("backtest horizon " + std::to_string(h) + " must be >= 1");
  }
  const int max_horizon = *std::max_element(spec.horizons.begin(), spec.horizons.end());
  // Every origin of every fold can be scored at every horizon.
  const Day last_origin = panel.last_observed_day() - max_horizon;
  const Day first_origin = last_origin - spec.folds * spec.fold_step + 1;
  if (first_origin - panel.first_day() < features.spec().min_history + max_horizon) {
    return Status::InvalidArgument("backtest: " + std::to_string(spec.folds) + " folds of " +
                                   std::to_string(spec.fold_step) + " days leave too little history before " +
                                   FormatDay(first_origin));
  }

  BacktestReport report;
  report.mase_scale = PooledSeasonalScale(panel, features.spec().season, first_origin);
  MEDALLION_ASSIGN_OR_RETURN(auto naive, SeasonalNaiveModel::Create({}));
  const size_t total = static_cast<size_t>(spec.folds) * (spec.pooled ? 1 : spec.horizons.size());
  size_t done = 0;
  auto fail = [](int fold, int h, const std::string& what) {
    return Status::InvalidArgument("backtest fold " + std::to_string(fold) + " horizon " + std::to_string(h) +
                                   " has no " + what + " rows");
  };
  // Pooled fold models do not depend on each other: all are fitted before any
  // is scored, side by side when the pool allows.
  std::vector<std::unique_ptr<Model>> pooled_models;
  std::vector<size_t> pooled_rows;
  if (spec.pooled) {
    FitPool sequential(1);
    FitPool& fits = pool != nullptr ? *pool : sequential;
    std::vector<Dataset> train_sets(static_cast<size_t>(spec.folds));
    std::vector<std::future<Status>> fitted;
    for (int fold = 0; fold < spec.folds; ++fold) {
      // At the fold's first origin every day up to and including it is known,
      // so training labels may reach it and no further.
      Dataset& train = train_sets[fold];
      train = BuildStackedTrainingSet(panel, features, spec.horizons, first_origin + fold * spec.fold_step);
      if (train.size() == 0) return fail(fold, 0, "training");
      MEDALLION_ASSIGN_OR_RETURN(auto model, make_model());
      pooled_models.push_back(std::move(model));
      pooled_rows.push_back(train.size());
      fitted.push_back(fits.Fit(*pooled_models.back(), train));
    }
    Status first_error;
    for (int fold = 0; fold < spec.folds; ++fold) {
      Status status = fitted[fold].get();  // every fit finishes before train_sets goes away
      if (!status.ok() && first_error.ok()) first_error = status.WithContext("backtest fold " + std::to_string(fold));
      if (progress) progress(++done, total);
    }
    MEDALLION_RETURN_IF_ERROR(first_error);
  }
  std::map<int, Scored> by_horizon;
  for (int fold = 0; fold < spec.folds; ++fold) {
    const Day fold_first = first_origin + fold * spec.fold_step;
    const Day fold_last = fold_first + spec.fold_step - 1;
    for (int h : spec.horizons) {
      std::unique_ptr<Model> own_model;
      size_t train_rows = spec.pooled ? pooled_rows[fold] : 0;
      if (!spec.pooled) {
        Dataset train = BuildTrainingSet(panel, features, h, fold_first);
        if (train.size() == 0) return fail(fold, h, "training");
        MEDALLION_ASSIGN_OR_RETURN(own_model, make_model());
        auto fitted = own_model->Fit(train.x, train.y);
        if (!fitted.ok()) {
          return fitted.WithContext("backtest fold " + std::to_string(fold) + " horizon " + std::to_string(h));
        }
        train_rows = train.size();
      }
      const Model& model = spec.pooled ? *pooled_models[fold] : *own_model;
      if (report.model_kind.empty()) report.model_kind = model.kind();
      Dataset test = BuildDataset(panel, features, h, OriginRange{fold_first, fold_last, true});
      if (test.size() == 0) return fail(fold, h, "test");
      Scored fold_scores;
      fold_scores.actual = test.y;
      MEDALLION_ASSIGN_OR_RETURN(fold_scores.model, model.Predict(test.x));
      MEDALLION_ASSIGN_OR_RETURN(fold_scores.naive, naive->Predict(test.x));
      // A series too young for any lag has no naive forecast; score both models
      // on the rows where both have one, so neither gets easier rows.
      Scored kept;
      for (size_t i = 0; i < fold_scores.actual.size(); ++i) {
        if (std::isfinite(fold_scores.model[i]) && std::isfinite(fold_scores.naive[i])) {
          kept.actual.push_back(fold_scores.actual[i]);
          kept.model.push_back(fold_scores.model[i]);
          kept.naive.push_back(fold_scores.naive[i]);
        }
      }
      FoldReport fold_report{fold, fold_first, fold_last, h, train_rows, {}, {}};
      MEDALLION_ASSIGN_OR_RETURN(fold_report.model, Score(kept.actual, kept.model, report.mase_scale));
      MEDALLION_ASSIGN_OR_RETURN(fold_report.seasonal_naive, Score(kept.actual, kept.naive, report.mase_scale));
      report.folds.push_back(fold_report);
      by_horizon[h].Append(kept);
      if (!spec.pooled && progress) progress(++done, total);
    }
  }
  // Folds of one horizon together, in time order.
  std::stable_sort(report.folds.begin(), report.folds.end(),
                   [](const FoldReport& a, const FoldReport& b) { return a.horizon < b.horizon; });
  Scored everything;
  for (int h : spec.horizons) {
    const Scored& horizon_scores = by_horizon[h];
    HorizonReport horizon_report;
    horizon_report.horizon = h;
    MEDALLION_ASSIGN_OR_RETURN(horizon_report.model, Score(horizon_scores.actual, horizon_scores.model, report.mase_scale));
    MEDALLION_ASSIGN_OR_RETURN(horizon_report.seasonal_naive,
                               Score(horizon_scores.actual, horizon_scores.naive, report.mase_scale));
    std::vector<double> residuals(horizon_scores.actual.size());
    for (size_t i = 0; i < residuals.size(); ++i) residuals[i] = horizon_scores.actual[i] - horizon_scores.model[i];
    for (double q : spec.quantiles) horizon_report.residual_quantiles.push_back({q, Quantile(residuals, q)});
    report.horizons.push_back(std::move(horizon_report));
    everything.Append(horizon_scores);
  }
  MEDALLION_ASSIGN_OR_RETURN(report.overall_model, Score(everything.actual, everything.model, report.mase_scale));
  MEDALLION_ASSIGN_OR_RETURN(report.overall_seasonal_naive, Score(everything.actual, everything.naive, report.mase_scale));
  return report;
}

}  // namespace medallion::ml
