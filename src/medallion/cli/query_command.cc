// `medallion query <name>`: the named analytics queries over Gold.
#include <arrow/api.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <iostream>

#include "medallion/cli/commands.h"
#include "medallion/cli/table_io.h"
#include "medallion/transform/gold_job.h"
#include "medallion/transform/gold_queries.h"

namespace medallion::cli {

namespace {

struct QueryArgs {
  std::string name, lake = "./lake", from, to, format = "table";
  int64_t limit = 10;
};

Status RunQuery(const QueryArgs& a) {
  transform::QueryOptions options;
  options.lake_uri = a.lake;
  options.limit = a.limit;
  if (!a.from.empty()) {
    MEDALLION_ASSIGN_OR_RETURN(options.from, transform::ParseIsoDate(a.from));
  }
  if (!a.to.empty()) {
    MEDALLION_ASSIGN_OR_RETURN(options.to, transform::ParseIsoDate(a.to));
  }
  MEDALLION_ASSIGN_OR_RETURN(auto rows, transform::RunNamedQuery(a.name, options));
  RowPrinter printer(std::cout, a.format);
  MEDALLION_RETURN_IF_ERROR(printer.Print(*rows));
  return printer.Finish();
}

}  // namespace

void AddQueryCommands(CLI::App& app, CommandContext& ctx) {
  auto args = std::make_shared<QueryArgs>();
  auto* cmd = app.add_subcommand("query", "Run a named analytics query over the Gold tables");
  cmd->add_option("name", args->name, fmt::format("Query: {}", fmt::join(transform::QueryNames(), ", ")))
      ->required()
      ->check(CLI::IsMember(transform::QueryNames()));
  cmd->add_option("--lake", args->lake, "Lake root (default ./lake)");
  cmd->add_option("--from", args->from, "First event date YYYY-MM-DD");
  cmd->add_option("--to", args->to, "Last event date YYYY-MM-DD");
  cmd->add_option("--limit", args->limit, "Rows of top_sellers (default 10)");
  cmd->add_option("--format", args->format, "table, csv or json (JSON lines)")
      ->check(CLI::IsMember({"table", "csv", "json"}));
  cmd->callback([&ctx, args] {
    ctx.run = [args] {
      Status st = RunQuery(*args);
      return st.ok() ? 0 : ReportError(st);
    };
  });
}

}  // namespace medallion::cli
