// `medallion load csv`: a dataset from a CSV file into a lake table, with the
// column mapping (date, series id, target, exogenous columns) from a YAML file.
#include <fmt/format.h>

#include <iostream>

#include "medallion/cli/forecast_commands.h"
#include "medallion/ml/load_csv.h"

namespace medallion::cli {

void AddLoadCommand(CLI::App& app, CommandContext& ctx) {
  auto* load = app.add_subcommand("load", "Load a dataset file into a lake table the forecaster can train on");
  load->require_subcommand(1);
  struct Flags {
    std::string input, table, mapping, lake;
  };
  auto flags = std::make_shared<Flags>();
  auto* cmd = load->add_subcommand("csv", "Load a CSV with a column mapping (YAML) into <lake>/<table>");
  cmd->add_option("--input", flags->input, "CSV file")->required()->check(CLI::ExistingFile);
  cmd->add_option("--table", flags->table, "Table path under the lake, e.g. datasets/walmart")->required();
  cmd->add_option("--mapping", flags->mapping, "YAML column mapping (series, date, target, known, observed, frequency)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--lake", flags->lake, "Lake root (default: lake.root from config, else ./lake)");
  cmd->callback([&ctx, flags] {
    ctx.run = Guarded([&ctx, flags]() -> Status {
      MEDALLION_ASSIGN_OR_RETURN(auto mapping, ml::ReadColumnMapping(flags->mapping));
      MEDALLION_ASSIGN_OR_RETURN(auto report, ml::LoadCsv(flags->input, LakeRoot(flags->lake, ctx.config), flags->table, mapping));
      std::cout << fmt::format("{} rows loaded into {} (version {})\n", report.rows, report.table, report.version);
      return Status::OK();
    });
  });
}

}  // namespace medallion::cli
