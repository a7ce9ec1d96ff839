// `medallion ingest-pg`: PostgreSQL tables into bronze/pg_<table>, and
// `medallion northwind`: the Silver star schema and Gold KPIs built on them.
#include <fmt/format.h>

#include <iostream>

#include "medallion/cli/commands.h"
#include "medallion/common/config.h"
#include "medallion/ingest/pg_ingest.h"
#include "medallion/ingest/pg_northwind.h"
#include "medallion/transform/northwind_quality.h"

namespace medallion::cli {

namespace {

struct IngestPgArgs {
  std::string dsn, tables, lake, numeric;
  std::vector<std::string> watermarks;
  int64_t batch_rows = -1;
  int64_t reconcile_interval = -2;  // -2: from config
  bool reconcile = false;
};

// Flags win over medallion.yaml (pg.dsn, pg.tables, pg.numeric, pg.batch_rows,
// pg.reconcile_interval_seconds, pg.watermark.<table>, lake.root), which wins
// over the environment (MEDALLION_PG_DSN keeps the password off the command line).
Status RunIngestPg(const Config& config, const IngestPgArgs& a) {
  ingest::PgIngestOptions options;
  options.dsn = a.dsn.empty() ? config.GetString("pg.dsn", "") : a.dsn;
  if (options.dsn.empty()) return Status::InvalidArgument("no PostgreSQL DSN: pass --dsn or set MEDALLION_PG_DSN");
  options.lake_root = a.lake.empty() ? config.GetString("lake.root", "./lake") : a.lake;
  std::vector<std::string> tables = SplitCommaList(a.tables);
  if (tables.empty()) {
    MEDALLION_ASSIGN_OR_RETURN(tables, config.GetList("pg.tables"));
  }
  std::map<std::string, std::string> watermarks;
  for (const auto& w : a.watermarks) {
    auto eq = w.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == w.size()) {
      return Status::InvalidArgument(fmt::format("--watermark '{}' must be table=column", w));
    }
    watermarks[w.substr(0, eq)] = w.substr(eq + 1);
  }
  for (const auto& t : tables) {
    std::string wm = watermarks.count(t) ? watermarks[t] : config.GetString("pg.watermark." + t, "");
    options.tables.push_back({t, wm});
  }
  std::string numeric = a.numeric.empty() ? config.GetString("pg.numeric", "double") : a.numeric;
  if (numeric != "double" && numeric != "decimal") {
    return Status::InvalidArgument(fmt::format("numeric mode '{}' must be double or decimal", numeric));
  }
  options.types.numeric = numeric == "decimal" ? ingest::NumericMode::kDecimal : ingest::NumericMode::kDouble;
  MEDALLION_ASSIGN_OR_RETURN(options.batch_rows, config.GetInt("pg.batch_rows", 100000));
  if (a.batch_rows > 0) options.batch_rows = a.batch_rows;
  MEDALLION_ASSIGN_OR_RETURN(options.reconcile_interval_seconds,
                             config.GetInt("pg.reconcile_interval_seconds", 86400));
  if (a.reconcile_interval != -2) options.reconcile_interval_seconds = a.reconcile_interval;
  options.force_reconcile = a.reconcile;

  MEDALLION_ASSIGN_OR_RETURN(auto reports, ingest::IngestPostgres(options));
  for (const auto& r : reports) {
    std::cout << fmt::format("{}: {} rows in {} commits{}{}, watermark {}, {:.0f} rows/s -> {}\n", r.table, r.rows,
                             r.commits, r.reconciled ? ", reconciled" : "",
                             r.deleted ? fmt::format(" ({} deleted)", r.deleted) : "",
                             r.watermark ? std::to_string(*r.watermark) : "none",
                             r.seconds > 0 ? r.rows / r.seconds : 0.0, r.bronze_uri);
  }
  return Status::OK();
}

struct NorthwindArgs {
  std::string lake, suites;
};

// Every Silver table passes its suite (transform/northwind_quality.h) before
// it, or Gold built from it, is written.
Status RunNorthwind(const Config& config, const NorthwindArgs& a) {
  std::string lake = a.lake.empty() ? config.GetString("lake.root", "./lake") : a.lake;
  std::string suites =
      a.suites.empty() ? config.GetString("quality.northwind_suites", "config/quality/northwind") : a.suites;
  MEDALLION_ASSIGN_OR_RETURN(auto report, transform::BuildCheckedNorthwindModel(lake, suites));
  for (const auto& w : report.written) {
    std::cout << fmt::format("{}: {} rows, version {}\n", w.name, w.rows, w.version);
  }
  for (const auto& [table, rows] : report.quarantined) {
    if (rows > 0 || report.dropped[table] > 0) {
      std::cout << fmt::format("silver/{}: {} rows quarantined, {} dropped by its quality suite\n", table, rows,
                               report.dropped[table]);
    }
  }
  return Status::OK();
}

}  // namespace

void AddPgCommands(CLI::App& app, CommandContext& ctx) {
  {
    auto args = std::make_shared<IngestPgArgs>();
    auto* cmd = app.add_subcommand("ingest-pg", "Ingest PostgreSQL tables into bronze/pg_<table> (snapshot, then "
                                                "incremental by watermark; exactly once)");
    cmd->add_option("--dsn", args->dsn, "libpq DSN (URI or key=value); default pg.dsn / MEDALLION_PG_DSN");
    cmd->add_option("--tables", args->tables, "Comma-separated tables (schema.table allowed); default pg.tables");
    cmd->add_option("--lake", args->lake, "Lake root (default lake.root or ./lake)");
    cmd->add_option("--watermark", args->watermarks,
                    "table=column: the column whose growth marks changed rows (repeatable; default updated_at, "
                    "else a single integer primary key)");
    cmd->add_option("--numeric", args->numeric, "numeric columns as double (default) or decimal")
        ->check(CLI::IsMember({"double", "decimal"}));
    cmd->add_option("--batch-rows", args->batch_rows, "Rows per Delta commit (default 100000)")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--reconcile-interval", args->reconcile_interval,
                    "Seconds between full reconciliations for deletes (0 every run, -1 never; default 86400)");
    cmd->add_flag("--reconcile", args->reconcile, "Reconcile deletes in this run");
    cmd->callback([&ctx, args] { ctx.run = Guarded([&ctx, args] { return RunIngestPg(ctx.config, *args); }); });
  }
  {
    auto args = std::make_shared<NorthwindArgs>();
    auto* cmd = app.add_subcommand("northwind", "Build silver/order_facts, the dimensions and the Gold KPIs from "
                                                "bronze/pg_* (Northwind-shaped source)");
    cmd->add_option("--lake", args->lake, "Lake root (default lake.root or ./lake)");
    cmd->add_option("--suites", args->suites,
                    "Directory of <table>.yaml quality suites (default quality.northwind_suites or "
                    "config/quality/northwind)");
    cmd->callback([&ctx, args] { ctx.run = Guarded([&ctx, args] { return RunNorthwind(ctx.config, *args); }); });
  }
}

}  // namespace medallion::cli
