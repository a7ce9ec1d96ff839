// `medallion quality check`: validates a file against an expectation suite
// (native YAML or Great Expectations JSON) and prints the result, in Great
// Expectations' JSON shape with --format json. The input is a Parquet/CSV
// file (--input) or a Delta table (--table, optionally --version and a
// --where filter such as "event_date >= '2026-01-01'").
//
// Exit codes: 0 every expectation passed, 1 some failed (the report is still
// printed), 2 bad flags or a malformed suite.
#include <fmt/format.h>

#include <iostream>

#include "medallion/cli/commands.h"
#include "medallion/delta/predicate.h"
#include "medallion/delta/scan.h"
#include "medallion/delta/table.h"
#include "medallion/quality/row_triage.h"
#include "medallion/quality/suite_parser.h"
#include "medallion/quality/table_file.h"
#include "medallion/quality/validator.h"

namespace medallion::cli {
namespace {

struct CheckFlags {
  std::string suite;
  std::string input;
  std::string table;  // Delta table instead of --input
  int64_t version = -1;
  std::string where;
  std::string format = "text";
  std::string run_id;
};

std::string Percent(const std::optional<double>& value) {
  return value ? fmt::format("{:.2f}%", *value) : "n/a";
}

void PrintText(const quality::ValidationResult& v, std::ostream& out) {
  out << fmt::format("suite {}: {} of {} expectations passed on {} rows\n", v.suite_name,
                     v.statistics.successful_expectations, v.statistics.evaluated_expectations, v.row_count);
  for (const auto& r : v.results) {
    std::string line = fmt::format("  {} {}", r.success ? "PASS" : "FAIL", r.expectation.Describe());
    if (r.expectation.column) line += " on " + *r.expectation.column;
    if (r.exception_message) {
      line += ": error: " + *r.exception_message;
    } else if (r.unexpected_count) {
      line += fmt::format(": {} unexpected ({}), {} rows", *r.unexpected_count, Percent(r.unexpected_percent),
                          *r.element_count);
      if (!r.success && !r.partial_unexpected_list.empty()) line += ", e.g. " + r.partial_unexpected_list.dump();
    } else if (!r.observed_value.is_null()) {
      line += ": observed " + r.observed_value.dump();
    }
    out << line << " [" << quality::ActionName(r.expectation.action) << "]\n";
  }
}

// The rows of a Delta table (at --version, filtered by --where).
Result<std::shared_ptr<arrow::Table>> ReadDeltaRows(const CheckFlags& flags) {
  auto opened = delta::Table::Open(flags.table);
  if (!opened.ok()) return opened.status();
  auto snapshot = (*opened)->snapshot();
  if (flags.version >= 0) {
    MEDALLION_ASSIGN_OR_RETURN(snapshot, (*opened)->SnapshotAt(flags.version));
  }
  delta::ScanOptions scan;
  if (!flags.where.empty()) {
    auto filter = delta::ParsePredicate(flags.where, *snapshot->schema());
    if (!filter.ok()) return filter.status().WithContext("--where");
    scan.filter = std::move(*filter);
  }
  return delta::ScanToTable((*opened)->store(), *snapshot, scan);
}

int RunCheck(const CheckFlags& flags) {
  if (flags.input.empty() == flags.table.empty()) {
    return ReportError(Status::InvalidArgument("give exactly one of --input (a file) or --table (a Delta table)"));
  }
  auto suite = quality::LoadSuiteFile(flags.suite);
  if (!suite.ok()) return ReportError(suite.status());
  auto table = flags.table.empty() ? quality::ReadTableFile(flags.input) : ReadDeltaRows(flags);
  if (!table.ok()) return ReportError(table.status().WithContext(flags.table.empty() ? flags.input : flags.table));
  quality::ValidateOptions options;
  options.run_id = flags.run_id;
  auto result = quality::Validate(*suite, **table, options);
  if (!result.ok()) return ReportError(result.status().WithContext(flags.table.empty() ? flags.input : flags.table));
  if (flags.format == "json") {
    std::cout << quality::ToGreatExpectationsJson(*result).dump(2) << std::endl;
  } else {
    PrintText(*result, std::cout);
  }
  if (Status stop = quality::StopStatus(*result); !stop.ok()) std::cerr << "medallion: " << stop.message() << std::endl;
  return result->success ? 0 : 1;
}

}  // namespace

void AddQualityCommands(CLI::App& app, CommandContext& ctx) {
  auto* quality = app.add_subcommand("quality", "Data quality: expectation suites (YAML or Great Expectations JSON)");
  quality->require_subcommand(1);
  auto flags = std::make_shared<CheckFlags>();
  auto* check = quality->add_subcommand("check", "Validate a Delta table or a Parquet/CSV file against a suite");
  check->add_option("--suite", flags->suite, "Suite file: native YAML or Great Expectations JSON (0.x or 1.x)")
      ->required();
  auto* input = check->add_option("--input", flags->input, "Data file: .parquet or .csv");
  auto* table = check->add_option("--table", flags->table, "Delta table (path or URI), e.g. lake/silver/orders");
  input->excludes(table);
  check->add_option("--version", flags->version, "With --table: validate this table version (default: latest)");
  check->add_option("--where", flags->where, "With --table: rows matching e.g. \"event_date >= '2026-01-01'\"");
  check->add_option("--format", flags->format, "Output: text or json (Great Expectations' validation result shape)")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  check->add_option("--run-id", flags->run_id, "Run id recorded in the result (default: <suite>-<time>)");
  check->callback([flags, &ctx] { ctx.exit_code = RunCheck(*flags); });
}

}  // namespace medallion::cli
