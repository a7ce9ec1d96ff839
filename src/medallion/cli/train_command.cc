// `medallion train`: the demand forecaster on gold/features_daily (or a
// loaded dataset), or with --target ticks the tick direction classifier on
// gold/tick_features. Prints the backtest next to its baseline and registers
// the model.
#include <fmt/format.h>
#include <unistd.h>

#include <iostream>

#include "medallion/cli/forecast_commands.h"
#include "medallion/ml/registry.h"
#include "medallion/ml/tick_job.h"
#include "medallion/ml/train_job.h"

namespace medallion::cli {

namespace {

struct TrainFlags {
  std::string lake, target = "demand", model, kind = "xgboost", params, as_of, table = "gold/features_daily";
  std::vector<int> horizons = {1, 7};
  int folds = 5, fold_step = 7;
  bool no_progress = false, promote = false, no_register = false;
};

Result<nlohmann::json> ParseParams(const std::string& text) {
  if (text.empty()) return nlohmann::json::object();
  auto parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return Status::InvalidArgument("--params must be a JSON object, got: " + text);
  }
  return parsed;
}

Status Promote(const std::string& lake, const std::string& name, int64_t version) {
  MEDALLION_ASSIGN_OR_RETURN(auto registry, ml::Registry::Open(lake));
  MEDALLION_ASSIGN_OR_RETURN(auto decision, registry.Promote(name, version, ml::PromotionGate{}));
  std::cout << (decision.promoted ? "promoted to champion: " : "not promoted: ") << decision.reason << "\n";
  return Status::OK();
}

Status RunTrain(const TrainFlags& flags, const Config& config) {
  const std::string lake = LakeRoot(flags.lake, config);
  MEDALLION_ASSIGN_OR_RETURN(auto params, ParseParams(flags.params));
  if (flags.target == "ticks") {
    ml::TickTrainOptions options;
    options.lake_uri = lake;
    if (!flags.model.empty()) options.model_name = flags.model;
    options.params = params;
    options.register_model = !flags.no_register;
    MEDALLION_ASSIGN_OR_RETURN(auto report, ml::TrainTickModel(options));
    std::cout << report.ToString();
    return Status::OK();
  }
  ml::TrainOptions options;
  options.lake_uri = lake;
  if (!flags.model.empty()) options.model_name = flags.model;
  options.kind = flags.kind;
  options.horizons = flags.horizons;
  options.folds = flags.folds;
  options.fold_step = flags.fold_step;
  options.params = params;
  options.as_of = flags.as_of;
  options.features_table = flags.table;
  options.progress = !flags.no_progress;
  options.register_model = !flags.no_register;
  MEDALLION_ASSIGN_OR_RETURN(auto report, ml::TrainDemandModel(options));
  std::cout << report.ToString();
  if (flags.promote && report.version >= 0) return Promote(lake, report.model_name, report.version);
  return Status::OK();
}

}  // namespace

std::string LakeRoot(const std::string& flag, const Config& config) {
  return flag.empty() ? config.GetString("lake.root", "./lake") : flag;
}

void AddTrainCommand(CLI::App& app, CommandContext& ctx) {
  auto flags = std::make_shared<TrainFlags>();
  auto* cmd = app.add_subcommand("train", "Backtest and fit a forecasting model on Gold, then register it");
  cmd->add_option("--lake", flags->lake, "Lake root (default: lake.root from config, else ./lake)");
  cmd->add_option("--target", flags->target, "demand (gold/features_daily) or ticks (gold/tick_features)")
      ->check(CLI::IsMember({"demand", "ticks"}))
      ->capture_default_str();
  cmd->add_option("--model", flags->model, "Registered model name (default: demand, or ticks)");
  cmd->add_option("--kind", flags->kind, "xgboost or ridge")->check(CLI::IsMember({"xgboost", "ridge"}))->capture_default_str();
  cmd->add_option("--horizon", flags->horizons, "Horizons to report, e.g. 1,7 (the model covers 1..max)")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_option("--folds", flags->folds, "Backtest folds")->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--fold-step", flags->fold_step, "Forecast origins per fold")->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--params", flags->params, "Model params as a JSON object (default: tuned for daily demand)");
  cmd->add_option("--as-of", flags->as_of, "Train only on rows dated <= YYYY-MM-DD");
  cmd->add_option("--table", flags->table, "Demand table under the lake")->capture_default_str();
  cmd->add_flag("--no-progress", flags->no_progress, "No progress display");
  cmd->add_flag("--no-register", flags->no_register, "Backtest and fit only; register nothing (benchmarks)");
  cmd->add_flag("--promote", flags->promote, "Try to promote the new version to champion (promotion gate applies)");
  cmd->callback([&ctx, flags] {
    ctx.run = Guarded([&ctx, flags] { return RunTrain(*flags, ctx.config); });
  });
}

}  // namespace medallion::cli
