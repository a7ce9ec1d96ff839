// Each command family lives in its own cli/<family>_command.cc and adds its
// subcommands to the root app. The CLI stays thin: parse flags, build the
// config, call the module, turn the Status into one error line and an exit code.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

#include "medallion/common/config.h"
#include "medallion/common/status.h"

namespace medallion::cli {

// Flags every command shares (set before any subcommand runs).
struct GlobalOptions {
  std::string config_path;         // --config; default ./medallion.yaml if present
  std::string log_format = "auto";  // --log-format auto|human|json
  std::string log_level = "info";   // --log-level
};

// Where a subcommand's outcome goes: main() returns it.
// A subcommand's callback stores its work in `run`; main() runs it after the
// whole command line is parsed and logging is set up, and returns its exit
// code. (Older commands set `exit_code` directly from their callback.)
struct CommandContext {
  GlobalOptions globals;
  int exit_code = 0;
  std::function<int()> run;
  // medallion.yaml (+ MEDALLION_* env), loaded by main() before `run`.
  Config config;
};

// Prints "medallion: error: <status>" on stderr and returns exit code 1
// (2 for invalid arguments, as CLI11 does for bad flags).
int ReportError(const Status& status);

// A command's work as a `run` action: OK exits 0, an error prints its one
// line and exits non-zero.
template <typename Fn>
std::function<int()> Guarded(Fn body) {
  return [body]() -> int {
    Status st = body();
    return st.ok() ? 0 : ReportError(st);
  };
}

// "a, b,,c" -> {"a", "b", "c"}: comma-separated flag values, trimmed.
std::vector<std::string> SplitCommaList(const std::string& text);

void AddTableCommands(CLI::App& app, CommandContext& ctx);
void AddMlCommands(CLI::App& app, CommandContext& ctx);
void AddModelsCommands(CLI::App& app, CommandContext& ctx);
void AddProduceCommands(CLI::App& app, CommandContext& ctx);
void AddIngestCommands(CLI::App& app, CommandContext& ctx);
void AddQualityCommands(CLI::App& app, CommandContext& ctx);
void AddServeCommands(CLI::App& app, CommandContext& ctx);
void AddDagCommands(CLI::App& app, CommandContext& ctx);
void AddPgCommands(CLI::App& app, CommandContext& ctx);
void AddSilverCommands(CLI::App& app, CommandContext& ctx);
void AddGoldCommands(CLI::App& app, CommandContext& ctx);
void AddQueryCommands(CLI::App& app, CommandContext& ctx);
void AddStreamCommands(CLI::App& app, CommandContext& ctx);
void AddDemoCommands(CLI::App& app, CommandContext& ctx);

}  // namespace medallion::cli
