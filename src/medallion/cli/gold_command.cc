// `medallion gold`: recompute the Gold tables from Silver orders for a date
// range (idempotent: the range's partitions are replaced).
#include <fmt/format.h>

#include <iostream>

#include "medallion/cli/commands.h"
#include "medallion/ingest/calendar.h"
#include "medallion/transform/gold_job.h"
#include "medallion/transform/ticks_gold.h"

namespace medallion::cli {

namespace {

struct GoldArgs {
  std::string silver, lake, from, to;
  int top_n = 10;
  bool ticks = false;
};

// gold/tick_features for every date of <lake>/silver/ticks (the batch side of
// the streaming tick features job).
Status RunTickFeatures(const GoldArgs& a) {
  const std::string silver_uri = a.silver.empty() ? a.lake + "/silver/ticks" : a.silver;
  auto silver = delta::Table::Open(silver_uri);
  if (!silver.ok()) return silver.status().WithContext("Silver ticks table");
  MEDALLION_ASSIGN_OR_RETURN(auto written, transform::UpdateTickFeatures(**silver, a.lake, /*all_dates=*/true));
  if (written.to < written.from) {
    std::cout << "gold tick_features: Silver ticks has no rows\n";
    return Status::OK();
  }
  std::cout << fmt::format("gold tick_features {} .. {}: {} rows  version {}\n", ingest::FormatDate(written.from),
                           ingest::FormatDate(written.to), written.rows, written.version);
  return Status::OK();
}

Status RunGold(const GoldArgs& a) {
  if (a.ticks) return RunTickFeatures(a);
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
  cmd->add_option("--silver", args->silver, "Silver table (default <lake>/silver/orders, or /ticks with --ticks)");
  cmd->add_flag("--ticks", args->ticks, "Recompute gold/tick_features from Silver ticks (every date) instead");
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
