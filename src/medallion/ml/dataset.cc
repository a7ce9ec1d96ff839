#include "medallion/ml/dataset.h"

#include <algorithm>
#include <cmath>

namespace medallion::ml {

Dataset BuildDataset(const Panel& panel, const FeatureBuilder& features, int horizon, const OriginRange& range) {
  Dataset out;
  out.horizon = horizon;
  out.x = FeatureMatrix(features.names());
  std::vector<double> row(features.names().size());
  for (const auto& series : panel.series()) {
    const Day first = std::max<Day>(range.first, series.first_day + features.spec().min_history);
    const Day last = std::min<Day>(range.last, series.last_day());
    for (Day t = first; t <= last; ++t) {
      const size_t origin_at = static_cast<size_t>(t - series.first_day);
      if (std::isnan(series.target[origin_at])) continue;
      const Day target_day = t + horizon;
      const int64_t label_at = int64_t{target_day} - series.first_day;
      const double label = label_at < static_cast<int64_t>(series.target.size()) ? series.target[label_at] : NAN;
      if (range.require_label && std::isnan(label)) continue;
      features.Compute(PastView(series, t, horizon), row);
      (void)out.x.AppendRow(row);  // the row has names().size() values by construction
      out.y.push_back(label);
      out.series_id.push_back(series.id);
      out.origin.push_back(t);
      out.target_day.push_back(target_day);
    }
  }
  return out;
}

Dataset BuildTrainingSet(const Panel& panel, const FeatureBuilder& features, int horizon, Day cutoff) {
  return BuildDataset(panel, features, horizon, OriginRange{panel.first_day(), cutoff - horizon, true});
}

}  // namespace medallion::ml
