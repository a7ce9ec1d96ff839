// `medallion gold`: recompute the Gold tables from Silver orders for a date
// range (idempotent: the range's partitions are replaced).
#include <fmt/format.h>

#include <iostream>

#include "medallion/cli/commands.h"
#include "medallion/ingest/calendar.h"
#include "medallion/transform/gold_job.h"

namespace medallion::cli {

namespace {

struct GoldArgs {
  std::string silver, lake, from, to;
  int top_n = 10;
};

Status RunGold(const GoldArgs& a) {
  transform::GoldJobOptions options;
  options.silver_uri = a.silver.empty() ? a.lake + "/silver/orders" : a.silver;
  options.lake_uri = a.lake;
  options.top_n = a.top_n;
  if (!a.from.empty()) {
    MEDALLION_ASSIGN_OR_RETURN(options.from, transform::ParseIsoDate(a.from));
  }
  if (!a.to.empty()) {
    MEDALLION_ASSIGN_OR_RETURN(options.to, transform::ParseIsoDate(a.to));
  }
  MEDALLION_ASSIGN_OR_RETURN(auto report, transform::RunGoldJob(options));
  std::cout << fmt::format("gold {} .. {} from {} Silver rows\n", ingest::FormatDate(report.range.from),
                           ingest::FormatDate(report.range.to), report.silver_rows);
  for (const auto& t : report.tables) {
    std::cout << fmt::format("  {:<22} {:>8} rows  version {}\n", t.table, t.rows, t.version);
  }
  return Status::OK();
}

}  // namespace

void AddGoldCommands(CLI::App& app, CommandContext& ctx) {
  auto args = std::make_shared<GoldArgs>();
  auto* cmd = app.add_subcommand("gold", "Recompute the Gold tables from Silver orders for a date range");
  cmd->add_option("--lake", args->lake, "Lake root (Gold goes to <lake>/gold/<table>)")->required();
  cmd->add_option("--silver", args->silver, "Silver orders table (default <lake>/silver/orders)");
  cmd->add_option("--from", args->from, "First event date YYYY-MM-DD (default: Silver's first)");
  cmd->add_option("--to", args->to, "Last event date YYYY-MM-DD (default: Silver's last)");
  cmd->add_option("--top", args->top_n, "Products per day in top_products")->check(CLI::PositiveNumber);
  cmd->callback([&ctx, args] {
    ctx.run = [args] {
      Status st = RunGold(*args);
      return st.ok() ? 0 : ReportError(st);
    };
  });
}

}  // namespace medallion::cli
