// `medallion predict`: J+1..J+7 demand forecasts per product (and rolled up
// per category and city) with the champion, into gold/demand_forecast.
#include <iostream>

#include "medallion/cli/forecast_commands.h"
#include "medallion/ml/predict_job.h"

namespace medallion::cli {

void AddPredictCommand(CLI::App& app, CommandContext& ctx) {
  auto options = std::make_shared<ml::PredictOptions>();
  auto lake = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("predict", "Forecast J+1..J+7 with the champion into gold/demand_forecast");
  cmd->add_option("--lake", *lake, "Lake root (default: lake.root from config, else ./lake)");
  cmd->add_option("--model", options->model_name, "Registered model name")->capture_default_str();
  cmd->add_option("--as-of", options->as_of, "Forecast from this day, YYYY-MM-DD (default: the last day in Gold)");
  cmd->add_option("--version", options->version, "Use this registry version instead of the champion");
  cmd->add_option("--rows-out", options->rows_out, "Also write the product feature rows and raw predictions (Parquet)");
  cmd->add_option("--max-horizon", options->max_horizon, "Days ahead")->check(CLI::PositiveNumber)->capture_default_str();
  cmd->callback([&ctx, options, lake] {
    ctx.run = Guarded([&ctx, options, lake]() -> Status {
      options->lake_uri = LakeRoot(*lake, ctx.config);
      MEDALLION_ASSIGN_OR_RETURN(auto report, ml::PredictDemand(*options));
      std::cout << report.ToString();
      return Status::OK();
    });
  });
}

}  // namespace medallion::cli
