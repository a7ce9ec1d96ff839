// The forecasting commands on the lake: train, predict, evaluate, and load
// (a CSV dataset into a Delta table with its column mapping). Registered by
// AddMlCommands next to the file-based `medallion ml ...` commands.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "medallion/cli/commands.h"

namespace medallion::cli {

void AddTrainCommand(CLI::App& app, CommandContext& ctx);
void AddPredictCommand(CLI::App& app, CommandContext& ctx);
void AddEvaluateCommand(CLI::App& app, CommandContext& ctx);
void AddLoadCommand(CLI::App& app, CommandContext& ctx);

// --lake if given, else lake.root from the config, else ./lake.
std::string LakeRoot(const std::string& flag, const Config& config);

}  // namespace medallion::cli
