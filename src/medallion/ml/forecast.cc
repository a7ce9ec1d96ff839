#include "medallion/ml/forecast.h"

#include <cmath>

namespace medallion::ml {

namespace {

// The residual at quantile q for horizon h, or 0 if the backtest lacks it.
double ResidualAt(const std::vector<HorizonReport>& reports, int horizon, double q) {
  for (const auto& report : reports) {
    if (report.horizon != horizon) continue;
    for (const auto& rq : report.residual_quantiles) {
      if (std::abs(rq.q - q) < 1e-9) return rq.residual;
    }
  }
  return 0;
}

}  // namespace

Result<std::vector<Forecast>> ForecastFromOrigin(const Panel& panel, const FeatureBuilder& features,
                                                 const ForecastSpec& spec, const ModelFactory& make_model,
                                                 const std::vector<HorizonReport>& residuals, Day origin) {
  std::vector<Forecast> out;
  for (int h : spec.horizons) {
    if (h < 1) return Status::InvalidArgument("forecast horizon " + std::to_string(h) + " must be >= 1");
    Dataset train = BuildTrainingSet(panel, features, h, origin);
    if (train.size() == 0) {
      return Status::InvalidArgument("no training rows for horizon " + std::to_string(h) + " up to " + FormatDay(origin));
    }
    MEDALLION_ASSIGN_OR_RETURN(auto model, make_model());
    auto fitted = model->Fit(train.x, train.y);
    if (!fitted.ok()) return fitted.WithContext("forecast horizon " + std::to_string(h));
    Dataset future = BuildDataset(panel, features, h, OriginRange{origin, origin, /*require_label=*/false});
    MEDALLION_ASSIGN_OR_RETURN(auto points, model->Predict(future.x));
    const double below = ResidualAt(residuals, h, spec.lower_q), above = ResidualAt(residuals, h, spec.upper_q);
    for (size_t r = 0; r < future.size(); ++r) {
      out.push_back({future.series_id[r], origin, future.target_day[r], h, points[r], points[r] + below,
                     points[r] + above});
    }
  }
  return out;
}

}  // namespace medallion::ml
