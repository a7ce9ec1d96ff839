// Supervised rows for one horizon: for each series and each origin day t in a
// range, the features of PastView(t, h) and, as the label, the target on t + h.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "medallion/common/result.h"
#include "medallion/ml/feature_matrix.h"
#include "medallion/ml/features.h"
#include "medallion/ml/panel.h"

namespace medallion::ml {

struct Dataset {
  int horizon = 0;  // 0 for stacked rows of several horizons (see row_horizon)
  FeatureMatrix x;
  std::vector<double> y;  // NaN where the target day is not known (the future)
  std::vector<std::string> series_id;
  std::vector<Day> origin;
  std::vector<Day> target_day;
  std::vector<int> row_horizon;

  size_t size() const { return y.size(); }
};

struct OriginRange {
  Day first = 0;
  Day last = 0;
  // Training and scoring need the label; forecasting the future does not.
  bool require_label = true;
};

// Rows for origins in [range.first, range.last] of every series, skipping
// origins with fewer than spec.min_history days of that series before them or
// no observed value at the origin itself.
Dataset BuildDataset(const Panel& panel, const FeatureBuilder& features, int horizon, const OriginRange& range);

// Training rows for a model that may use what was known on `cutoff`: every
// origin whose target day is <= cutoff.
Dataset BuildTrainingSet(const Panel& panel, const FeatureBuilder& features, int horizon, Day cutoff);

// The rows of every horizon in `horizons`, one block per horizon, for a model
// that learns all horizons at once: `features` must have the horizon feature
// (FeatureSpec::horizon_feature), or rows of different horizons would look alike.
Dataset BuildStackedDataset(const Panel& panel, const FeatureBuilder& features, const std::vector<int>& horizons,
                            const OriginRange& range);
// Stacked training rows whose target day is <= cutoff, for every horizon.
Dataset BuildStackedTrainingSet(const Panel& panel, const FeatureBuilder& features, const std::vector<int>& horizons,
                                Day cutoff);

// The rows of `dataset` whose horizon is `horizon`.
Dataset RowsOfHorizon(const Dataset& dataset, int horizon);

// series_id, origin and target_day (date32), label (float64, null where
// unknown), then one float64 column per feature: rows other tools can score.
Result<std::shared_ptr<arrow::Table>> DatasetToArrowTable(const Dataset& dataset);

}  // namespace medallion::ml
