#include "medallion/ml/dataset.h"

#include <arrow/api.h>

#include <algorithm>
#include <cmath>

#include "medallion/common/arrow_status.h"

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
      out.row_horizon.push_back(horizon);
    }
  }
  return out;
}

namespace {

void AppendRows(Dataset& out, const Dataset& part, std::span<const size_t> rows) {
  for (size_t r : rows) {
    (void)out.x.AppendRow(part.x.row(r));  // same feature names by construction
    out.y.push_back(part.y[r]);
    out.series_id.push_back(part.series_id[r]);
    out.origin.push_back(part.origin[r]);
    out.target_day.push_back(part.target_day[r]);
    out.row_horizon.push_back(part.row_horizon[r]);
  }
}

std::vector<size_t> AllRows(const Dataset& dataset) {
  std::vector<size_t> rows(dataset.size());
  for (size_t r = 0; r < rows.size(); ++r) rows[r] = r;
  return rows;
}

// One block of rows per horizon, each made by `build(h)`.
template <typename Build>
Dataset Stack(const FeatureBuilder& features, const std::vector<int>& horizons, Build build) {
  Dataset out;
  out.x = FeatureMatrix(features.names());
  for (int h : horizons) {
    Dataset part = build(h);
    AppendRows(out, part, AllRows(part));
  }
  return out;
}

}  // namespace

Dataset BuildStackedDataset(const Panel& panel, const FeatureBuilder& features, const std::vector<int>& horizons,
                            const OriginRange& range) {
  return Stack(features, horizons, [&](int h) { return BuildDataset(panel, features, h, range); });
}

Dataset BuildStackedTrainingSet(const Panel& panel, const FeatureBuilder& features, const std::vector<int>& horizons,
                                Day cutoff) {
  return Stack(features, horizons, [&](int h) { return BuildTrainingSet(panel, features, h, cutoff); });
}

Dataset RowsOfHorizon(const Dataset& dataset, int horizon) {
  Dataset out;
  out.horizon = horizon;
  out.x = FeatureMatrix(dataset.x.names());
  std::vector<size_t> rows;
  for (size_t r = 0; r < dataset.size(); ++r) {
    if (dataset.row_horizon[r] == horizon) rows.push_back(r);
  }
  AppendRows(out, dataset, rows);
  return out;
}

Dataset BuildTrainingSet(const Panel& panel, const FeatureBuilder& features, int horizon, Day cutoff) {
  return BuildDataset(panel, features, horizon, OriginRange{panel.first_day(), cutoff - horizon, true});
}

Result<std::shared_ptr<arrow::Table>> DatasetToArrowTable(const Dataset& dataset) {
  arrow::StringBuilder ids;
  arrow::Date32Builder origins, targets;
  arrow::DoubleBuilder labels;
  for (size_t r = 0; r < dataset.size(); ++r) {
    MEDALLION_RETURN_IF_ARROW_ERROR(ids.Append(dataset.series_id[r]));
    MEDALLION_RETURN_IF_ARROW_ERROR(origins.Append(dataset.origin[r]));
    MEDALLION_RETURN_IF_ARROW_ERROR(targets.Append(dataset.target_day[r]));
    MEDALLION_RETURN_IF_ARROW_ERROR(std::isnan(dataset.y[r]) ? labels.AppendNull() : labels.Append(dataset.y[r]));
  }
  MEDALLION_ASSIGN_OR_RETURN(auto features, dataset.x.ToArrowTable());
  arrow::FieldVector fields = {arrow::field("series_id", arrow::utf8()), arrow::field("origin", arrow::date32()),
                               arrow::field("target_day", arrow::date32()), arrow::field("label", arrow::float64())};
  arrow::ChunkedArrayVector columns;
  for (auto* builder : std::initializer_list<arrow::ArrayBuilder*>{&ids, &origins, &targets, &labels}) {
    MEDALLION_ASSIGN_OR_RETURN_ARROW(auto array, builder->Finish());
    columns.push_back(std::make_shared<arrow::ChunkedArray>(array));
  }
  for (int c = 0; c < features->num_columns(); ++c) {
    fields.push_back(features->schema()->field(c));
    columns.push_back(features->column(c));
  }
  return arrow::Table::Make(arrow::schema(fields), columns, static_cast<int64_t>(dataset.size()));
}

}  // namespace medallion::ml
