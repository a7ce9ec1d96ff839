#include <CLI/CLI.hpp>

#include <iostream>

#include "medallion/cli/commands.h"
#include "medallion/common/logging.h"

int main(int argc, char** argv) {
  using namespace medallion::cli;
  CLI::App app{"medallion: a streaming lakehouse in one program (Kafka -> Delta Bronze/Silver/Gold -> forecasts -> API)",
               "medallion"};
  app.set_version_flag("--version", "medallion 0.1.0");
  app.require_subcommand(1);
  app.fallthrough();
  CommandContext ctx;
  app.add_option("--config", ctx.globals.config_path, "Config file (default: ./medallion.yaml if present)");
  app.add_option("--log-format", ctx.globals.log_format, "Log format: auto (human on a TTY, JSON lines otherwise), human, json")
      ->check(CLI::IsMember({"auto", "human", "json"}));
  app.add_option("--log-level", ctx.globals.log_level, "Log level: trace, debug, info, warn, error")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));

  AddTableCommands(app, ctx);
  AddMlCommands(app, ctx);
  AddModelsCommands(app, ctx);
  AddProduceCommands(app, ctx);
  AddIngestCommands(app, ctx);
  AddQualityCommands(app, ctx);
  AddServeCommands(app, ctx);
  AddDagCommands(app, ctx);
  AddPgCommands(app, ctx);
  AddSilverCommands(app, ctx);
  AddGoldCommands(app, ctx);
  AddQueryCommands(app, ctx);
  AddStreamCommands(app, ctx);
  AddDemoCommands(app, ctx);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Help and version exit 0; every bad flag or value exits 2, as CLI tools do.
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (!ctx.run) return ctx.exit_code;
  auto config = medallion::Config::Load(ctx.globals.config_path);
  if (!config.ok()) return ReportError(config.status());
  ctx.config = std::move(config).value();
  auto format = medallion::ParseLogFormat(ctx.globals.log_format);
  if (!format.ok()) return ReportError(format.status());
  if (auto st = medallion::InitLogging(*format, ctx.globals.log_level); !st.ok()) return ReportError(st);
  return ctx.run();
}
