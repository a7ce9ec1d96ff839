// `medallion evaluate`: past forecasts against actuals, seasonal naive and,
// when the lake has the generator's truth, the oracle, side by side.
#include <iostream>

#include "medallion/cli/forecast_commands.h"
#include "medallion/ml/evaluate_job.h"

namespace medallion::cli {

void AddEvaluateCommand(CLI::App& app, CommandContext& ctx) {
  auto options = std::make_shared<ml::EvaluateOptions>();
  auto lake = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("evaluate", "Score gold/demand_forecast against actuals, seasonal naive and the oracle");
  cmd->add_option("--lake", *lake, "Lake root (default: lake.root from config, else ./lake)");
  cmd->add_option("--model", options->model_name, "Only this model (default: all)");
  cmd->callback([&ctx, options, lake] {
    ctx.run = Guarded([&ctx, options, lake]() -> Status {
      options->lake_uri = LakeRoot(*lake, ctx.config);
      MEDALLION_ASSIGN_OR_RETURN(auto report, ml::EvaluateDemand(*options));
      std::cout << report.ToString();
      return Status::OK();
    });
  });
}

}  // namespace medallion::cli
