#include "medallion/ml/tick_job.h"

#include <arrow/api.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numeric>

#include "medallion/common/arrow_status.h"
#include "medallion/ml/lake_table.h"
#include "medallion/ml/registry.h"
#include "medallion/ml/xgboost_model.h"
#include "medallion/transform/gold_columns.h"

namespace medallion::ml {

namespace {

nlohmann::json ClassificationJson(const ClassificationMetrics& m) {
  auto finite = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); };
  return {{"count", m.count}, {"accuracy", finite(m.accuracy)}, {"f1", finite(m.f1)}, {"roc_auc", finite(m.roc_auc)}};
}

std::vector<double> Labels(const std::vector<double>& y, std::span<const size_t> rows) {
  std::vector<double> out;
  for (size_t r : rows) out.push_back(y[r]);
  return out;
}

}  // namespace

const std::vector<std::string>& TickFeatureNames() {
  static const std::vector<std::string> names = {"return", "rsi_14", "macd", "macd_signal", "macd_hist", "volatility_20"};
  return names;
}

std::string TickTrainReport::ToString() const {
  std::string out = fmt::format(
      "{}: xgboost binary:logistic, {} training ticks, {} test ticks (from ts {} on, never trained on)\n", model_name,
      train_rows, test_rows, cutoff_ts);
  auto line = [](const std::string& label, const ClassificationMetrics& m) {
    return fmt::format("  {:<18} n={:<7} accuracy={:.4f} F1={:.4f} ROC AUC={:.4f}\n", label, m.count, m.accuracy, m.f1,
                       m.roc_auc);
  };
  out += line("model", model) + line("majority baseline", majority_baseline);
  out += "feature importance (gain):";
  for (const auto& f : importance) out += fmt::format(" {}={:.3g}", f.feature, f.score);
  out += "\n";
  if (version >= 0) out += fmt::format("registered {} version {}\n", model_name, version);
  if (predictions_version >= 0) out += fmt::format("gold/tick_predictions version {}\n", predictions_version);
  return out;
}

Result<TickTrainReport> TrainTickModel(const TickTrainOptions& options) {
  if (!(options.test_fraction > 0 && options.test_fraction < 1)) {
    return Status::InvalidArgument("tick training: test fraction must be in (0, 1)");
  }
  auto table_or = ReadLakeTable(options.lake_uri, options.features_table);
  if (!table_or.ok()) return table_or.status().WithContext("tick features (built by the streaming Gold job)");
  auto table = *table_or;
  MEDALLION_ASSIGN_OR_RETURN(auto x, FeatureMatrix::FromArrowTable(*table, TickFeatureNames()));
  MEDALLION_ASSIGN_OR_RETURN(auto ts, transform::ReadInt64(*table, "ts"));
  auto direction = table->GetColumnByName("next_direction");
  if (!direction) return Status::InvalidArgument(options.features_table + " has no column 'next_direction'");
  MEDALLION_ASSIGN_OR_RETURN(auto labels_table,
                             FeatureMatrix::FromArrowTable(*table, std::vector<std::string>{"next_direction"}));
  std::vector<double> y(labels_table.rows());
  for (size_t r = 0; r < y.size(); ++r) y[r] = labels_table.at(r, 0);

  // Labelled ticks in time order: the test set is the latest ticks, so the
  // model is scored on a future it has not seen.
  std::vector<size_t> labelled;
  for (size_t r = 0; r < y.size(); ++r) {
    if (!std::isnan(y[r])) labelled.push_back(r);
  }
  std::stable_sort(labelled.begin(), labelled.end(), [&](size_t a, size_t b) { return ts[a] < ts[b]; });
  const size_t wanted_test = static_cast<size_t>(std::ceil(options.test_fraction * static_cast<double>(labelled.size())));
  if (labelled.size() < 20 || wanted_test == 0 || wanted_test >= labelled.size()) {
    return Status::InvalidArgument(fmt::format("{} has {} labelled ticks: too few to train and test",
                                               options.features_table, labelled.size()));
  }
  // The split is a time: ticks before the cutoff train, ticks from it on
  // (all symbols, ties included) are only ever scored.
  const int64_t cutoff = ts[labelled[labelled.size() - wanted_test]];
  const size_t train_count = static_cast<size_t>(
      std::partition_point(labelled.begin(), labelled.end(), [&](size_t r) { return ts[r] < cutoff; }) -
      labelled.begin());
  if (train_count == 0) {
    return Status::InvalidArgument(fmt::format("{}: every labelled tick has the same time; cannot split by time",
                                               options.features_table));
  }
  std::span<const size_t> train_idx(labelled.data(), train_count);
  std::span<const size_t> test_idx(labelled.data() + train_count, labelled.size() - train_count);

  nlohmann::json params = options.params.empty()
                              ? nlohmann::json{{"objective", "binary:logistic"}, {"num_boost_round", 200}, {"eta", 0.05},
                                               {"max_depth", 4}, {"min_child_weight", 5}, {"subsample", 0.8},
                                               {"nthread", 2}, {"seed", 0}}
                              : options.params;
  TickTrainReport report;
  report.model_name = options.model_name;
  report.train_rows = train_idx.size();
  report.test_rows = test_idx.size();
  report.cutoff_ts = cutoff;
  // One model, fitted on the ticks before the cutoff only: it is the one
  // registered and the one whose predictions are published, so the accuracy
  // shown next to them (test ticks only) is out of sample. Refitting on every
  // tick would make the published predictions of the test ticks in-sample.
  MEDALLION_ASSIGN_OR_RETURN(auto model, XGBoostModel::Create(params));
  {
    const auto y_train = Labels(y, train_idx), y_test = Labels(y, test_idx);
    MEDALLION_RETURN_IF_ERROR(model->Fit(x.Take(train_idx), y_train));
    MEDALLION_ASSIGN_OR_RETURN(auto scores, model->Predict(x.Take(test_idx)));
    MEDALLION_ASSIGN_OR_RETURN(report.model, ComputeClassificationMetrics(y_test, scores));
    MEDALLION_ASSIGN_OR_RETURN(report.majority_baseline, MajorityClassBaseline(y_train, y_test));
  }
  MEDALLION_ASSIGN_OR_RETURN(report.importance, model->Importance());

  if (options.register_model) {
    const auto path = std::filesystem::temp_directory_path() / fmt::format("medallion-ticks-{}.json", ::getpid());
    MEDALLION_RETURN_IF_ERROR(SaveModelFile(*model, path.string()));
    MEDALLION_ASSIGN_OR_RETURN(auto registry, Registry::Open(options.lake_uri));
    ModelVersion draft;
    draft.name = options.model_name;
    draft.kind = model->kind();
    draft.features = model->feature_names();
    draft.params_json = params.dump();
    draft.trained_on_table = options.features_table;
    draft.metrics_json = nlohmann::json{{"task", "binary_classification"},
                                        {"overall", ClassificationJson(report.model)},
                                        {"majority_baseline", ClassificationJson(report.majority_baseline)}}
                             .dump();
    auto registered = registry.Register(std::move(draft), path.string());
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
    if (!registered.ok()) return registered.status();
    report.version = registered->version;
  }

  // Every tick is scored, each symbol's latest (direction still unknown)
  // included; in_sample marks the ticks of the training period.
  MEDALLION_ASSIGN_OR_RETURN(auto scores, model->Predict(x));
  std::vector<double> prob(scores.begin(), scores.end());
  std::vector<int32_t> predicted(prob.size());
  arrow::BooleanBuilder in_sample;
  MEDALLION_RETURN_IF_ERROR(FromArrow(in_sample.Reserve(static_cast<int64_t>(prob.size()))));
  for (size_t i = 0; i < prob.size(); ++i) {
    predicted[i] = prob[i] >= 0.5 ? 1 : 0;
    in_sample.UnsafeAppend(ts[i] < cutoff);
  }
  std::shared_ptr<arrow::Array> in_sample_array;
  MEDALLION_RETURN_IF_ERROR(FromArrow(in_sample.Finish(&in_sample_array)));
  auto out = arrow::Table::Make(
      arrow::schema({arrow::field("symbol", table->GetColumnByName("symbol")->type()),
                     arrow::field("ts", table->GetColumnByName("ts")->type()), arrow::field("prob_up", arrow::float64()),
                     arrow::field("predicted_direction", arrow::int32()), arrow::field("model_version", arrow::int64()),
                     arrow::field("in_sample", arrow::boolean())}),
      {table->GetColumnByName("symbol"), table->GetColumnByName("ts"),
       std::make_shared<arrow::ChunkedArray>(transform::DoubleArray(prob)),
       std::make_shared<arrow::ChunkedArray>(transform::Int32Array(predicted)),
       std::make_shared<arrow::ChunkedArray>(
           transform::Int64Array(std::vector<int64_t>(prob.size(), report.version))),
       std::make_shared<arrow::ChunkedArray>(in_sample_array)});
  MEDALLION_ASSIGN_OR_RETURN(report.predictions_version, WriteLakeTable(options.lake_uri, options.output_table, out));
  return report;
}

}  // namespace medallion::ml
