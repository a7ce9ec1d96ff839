// `medallion ml ...`: the modelling core on plain files, before the Gold
// tables and the registry exist. (Each callback sets ctx.exit_code itself:
// these commands need no logging set up first.) fit-file and predict-file exchange XGBoost
// JSON models and Parquet feature rows with any other tool; backtest-file
// prints the rolling-origin report next to seasonal naive.
#include <arrow/api.h>
#include <fmt/format.h>

#include <iostream>

#include "medallion/cli/commands.h"
#include "medallion/cli/forecast_commands.h"
#include "medallion/common/arrow_status.h"
#include "medallion/ml/backtest.h"
#include "medallion/ml/dataset.h"
#include "medallion/ml/model.h"
#include "medallion/ml/parquet_file.h"
#include "medallion/ml/synthetic.h"

namespace medallion::cli {

namespace {

struct PanelFlags {
  std::string input;
  ml::PanelSpec spec;
  std::string model = "xgboost";
  std::string params = "{}";

  void Add(CLI::App* cmd) {
    cmd->add_option("--input", input, "Long table (Parquet): one row per series and day")->required();
    cmd->add_option("--series-column", spec.series_column, "Series id column")->capture_default_str();
    cmd->add_option("--date-column", spec.date_column, "Date column")->capture_default_str();
    cmd->add_option("--target-column", spec.target_column, "Target column")->capture_default_str();
    cmd->add_option("--known", spec.known_columns, "Columns known in advance (price, promo...)")->delimiter(',');
    cmd->add_option("--model", model, "seasonal_naive, ridge or xgboost")->capture_default_str();
    cmd->add_option("--params", params, "Model params as a JSON object")->capture_default_str();
  }

  Result<ml::Panel> LoadPanel() const {
    MEDALLION_ASSIGN_OR_RETURN(auto table, ml::ReadParquetFile(input));
    auto panel = ml::Panel::FromTable(*table, spec);
    if (!panel.ok()) return panel.status().WithContext("'" + input + "'");
    return panel;
  }

  Result<nlohmann::json> Params() const {
    auto parsed = nlohmann::json::parse(params, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded() || !parsed.is_object()) {
      return Status::InvalidArgument("--params must be a JSON object, got: " + params);
    }
    return parsed;
  }
};

Status FitFile(const PanelFlags& flags, int horizon, const std::string& model_out, const std::string& rows_out,
               const std::string& predictions_out) {
  MEDALLION_ASSIGN_OR_RETURN(auto panel, flags.LoadPanel());
  MEDALLION_ASSIGN_OR_RETURN(auto params, flags.Params());
  ml::FeatureBuilder features(ml::FeatureSpec{}, flags.spec.known_columns);
  ml::Dataset train = ml::BuildTrainingSet(panel, features, horizon, panel.last_observed_day());
  if (train.size() == 0) return Status::InvalidArgument("'" + flags.input + "' has no training rows for horizon " + std::to_string(horizon));
  MEDALLION_ASSIGN_OR_RETURN(auto model, ml::CreateModel(flags.model, params));
  MEDALLION_RETURN_IF_ERROR(model->Fit(train.x, train.y));
  MEDALLION_RETURN_IF_ERROR(ml::SaveModelFile(*model, model_out));
  if (!rows_out.empty()) {
    MEDALLION_ASSIGN_OR_RETURN(auto rows, ml::DatasetToArrowTable(train));
    MEDALLION_RETURN_IF_ERROR(ml::WriteParquetFile(*rows, rows_out));
  }
  if (!predictions_out.empty()) {
    MEDALLION_ASSIGN_OR_RETURN(auto predictions, model->Predict(train.x));
    arrow::DoubleBuilder builder;
    MEDALLION_RETURN_IF_ERROR(FromArrow(builder.AppendValues(predictions)));
    MEDALLION_ASSIGN_OR_RETURN_ARROW(auto array, builder.Finish());
    auto table = arrow::Table::Make(arrow::schema({arrow::field("prediction", arrow::float64())}), {array});
    MEDALLION_RETURN_IF_ERROR(ml::WriteParquetFile(*table, predictions_out));
  }
  std::cout << fmt::format("fitted {} on {} rows x {} features (horizon {}); model written to {}\n", model->kind(),
                           train.size(), train.x.cols(), horizon, model_out);
  return Status::OK();
}

Status PredictFile(const std::string& model_path, const std::string& input, const std::string& output) {
  MEDALLION_ASSIGN_OR_RETURN(auto model, ml::LoadModelFile(model_path));
  MEDALLION_ASSIGN_OR_RETURN(auto table, ml::ReadParquetFile(input));
  auto x = ml::FeatureMatrix::FromArrowTable(*table, model->feature_names());
  if (!x.ok()) return x.status().WithContext("'" + input + "'");
  MEDALLION_ASSIGN_OR_RETURN(auto predictions, model->Predict(*x));
  arrow::DoubleBuilder builder;
  MEDALLION_RETURN_IF_ERROR(FromArrow(builder.AppendValues(predictions)));
  MEDALLION_ASSIGN_OR_RETURN_ARROW(auto array, builder.Finish());
  // The input's columns come along, so each prediction keeps its row's keys.
  MEDALLION_ASSIGN_OR_RETURN_ARROW(auto out, table->AddColumn(table->num_columns(), arrow::field("prediction", arrow::float64()),
                                                              std::make_shared<arrow::ChunkedArray>(array)));
  MEDALLION_RETURN_IF_ERROR(ml::WriteParquetFile(*out, output));
  std::cout << fmt::format("{} predictions written to {}\n", predictions.size(), output);
  return Status::OK();
}

std::string MetricsLine(const std::string& label, const ml::RegressionMetrics& m) {
  return fmt::format("  {:<16} n={:<6} MAE={:.4f} RMSE={:.4f} WAPE={:.4f} sMAPE={:.4f} MASE={:.4f} R2={:.4f} bias={:+.4f}\n",
                     label, m.count, m.mae, m.rmse, m.wape, m.smape, m.mase, m.r2, m.bias);
}

Status BacktestFile(const PanelFlags& flags, const ml::BacktestSpec& spec) {
  MEDALLION_ASSIGN_OR_RETURN(auto panel, flags.LoadPanel());
  MEDALLION_ASSIGN_OR_RETURN(auto params, flags.Params());
  ml::FeatureBuilder features(ml::FeatureSpec{}, flags.spec.known_columns);
  auto progress = [](size_t done, size_t total) { std::cerr << fmt::format("\rbacktest {}/{} fits", done, total) << std::flush; };
  MEDALLION_ASSIGN_OR_RETURN(auto report, ml::RunBacktest(panel, features, spec, [&] { return ml::CreateModel(flags.model, params); },
                                                          progress));
  std::cerr << "\n";
  std::cout << fmt::format("backtest of {}: {} folds x {} origins, {} series\n", report.model_kind, spec.folds,
                           spec.fold_step, panel.series().size());
  for (const auto& h : report.horizons) {
    std::cout << fmt::format("horizon {}:\n", h.horizon) << MetricsLine(report.model_kind, h.model)
              << MetricsLine("seasonal_naive", h.seasonal_naive);
    std::string quantiles = "  residual quantiles:";
    for (const auto& q : h.residual_quantiles) quantiles += fmt::format(" q{:.2f}={:+.3f}", q.q, q.residual);
    std::cout << quantiles << "\n";
  }
  std::cout << "overall:\n" << MetricsLine(report.model_kind, report.overall_model)
            << MetricsLine("seasonal_naive", report.overall_seasonal_naive);
  return Status::OK();
}

}  // namespace

void AddMlCommands(CLI::App& app, CommandContext& ctx) {
  AddTrainCommand(app, ctx);
  AddPredictCommand(app, ctx);
  AddEvaluateCommand(app, ctx);
  AddLoadCommand(app, ctx);
  auto* ml = app.add_subcommand("ml", "Models on files: fit, predict, backtest (XGBoost JSON models, Parquet rows)");
  ml->require_subcommand(1);

  {
    auto* cmd = ml->add_subcommand("fit-file", "Fit a model on a long table; write the model and its feature rows");
    auto flags = std::make_shared<PanelFlags>();
    auto horizon = std::make_shared<int>(1);
    auto model_out = std::make_shared<std::string>(), rows_out = std::make_shared<std::string>(),
         predictions_out = std::make_shared<std::string>();
    flags->Add(cmd);
    cmd->add_option("--horizon", *horizon, "Days ahead")->capture_default_str()->check(CLI::PositiveNumber);
    cmd->add_option("--model-out", *model_out, "Model file to write (XGBoost JSON for xgboost)")->required();
    cmd->add_option("--rows-out", *rows_out, "Parquet file for the training feature rows");
    cmd->add_option("--predictions-out", *predictions_out, "Parquet file for the model's predictions on those rows");
    cmd->callback([&ctx, flags, horizon, model_out, rows_out, predictions_out] {
      auto st = FitFile(*flags, *horizon, *model_out, *rows_out, *predictions_out);
      ctx.exit_code = st.ok() ? 0 : ReportError(st);
    });
  }
  {
    auto* cmd = ml->add_subcommand("predict-file", "Score feature rows (Parquet) with a model file");
    auto model = std::make_shared<std::string>(), input = std::make_shared<std::string>(),
         output = std::make_shared<std::string>();
    cmd->add_option("--model", *model, "Model file")->required();
    cmd->add_option("--input", *input, "Parquet file holding the model's feature columns")->required();
    cmd->add_option("--output", *output, "Parquet file to write: the input plus a 'prediction' column")->required();
    cmd->callback([&ctx, model, input, output] {
      auto st = PredictFile(*model, *input, *output);
      ctx.exit_code = st.ok() ? 0 : ReportError(st);
    });
  }
  {
    auto* cmd = ml->add_subcommand("backtest-file", "Rolling-origin backtest of a model against seasonal naive");
    auto flags = std::make_shared<PanelFlags>();
    auto spec = std::make_shared<ml::BacktestSpec>();
    flags->Add(cmd);
    cmd->add_option("--horizons", spec->horizons, "Horizons in days")->delimiter(',')->capture_default_str();
    cmd->add_option("--folds", spec->folds, "Number of folds")->capture_default_str()->check(CLI::PositiveNumber);
    cmd->add_option("--fold-step", spec->fold_step, "Forecast origins per fold")->capture_default_str()->check(CLI::PositiveNumber);
    cmd->callback([&ctx, flags, spec] {
      auto st = BacktestFile(*flags, *spec);
      ctx.exit_code = st.ok() ? 0 : ReportError(st);
    });
  }
  {
    auto* cmd = ml->add_subcommand("synth", "Write synthetic daily demand (trend, weekly season, promotions) as Parquet");
    auto spec = std::make_shared<ml::SyntheticSpec>();
    auto output = std::make_shared<std::string>();
    cmd->add_option("--output", *output, "Parquet file to write")->required();
    cmd->add_option("--series", spec->series, "Number of series")->capture_default_str();
    cmd->add_option("--days", spec->days, "Days per series")->capture_default_str();
    cmd->add_option("--seed", spec->seed, "Random seed")->capture_default_str();
    cmd->callback([&ctx, spec, output] {
      auto table = ml::MakeSyntheticDemand(*spec);
      Status st = table.ok() ? ml::WriteParquetFile(**table, *output) : table.status();
      if (st.ok()) std::cout << fmt::format("{} rows written to {}\n", (*table)->num_rows(), *output);
      ctx.exit_code = st.ok() ? 0 : ReportError(st);
    });
  }
}

}  // namespace medallion::cli
