#include "medallion/cli/commands.h"

namespace medallion::cli {

void AddTableCommands(CLI::App& app, CommandContext& ctx) {
  auto* table = app.add_subcommand("table", "Inspect and maintain Delta tables");
  table->require_subcommand(1);
}

}  // namespace medallion::cli
