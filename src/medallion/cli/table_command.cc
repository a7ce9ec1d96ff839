// `medallion table ...`: create, append to, inspect and maintain Delta tables.
#include <arrow/api.h>
#include <fmt/format.h>

#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>

#include "medallion/cli/commands.h"
#include "medallion/cli/table_io.h"
#include "medallion/delta/log_replay.h"
#include "medallion/delta/partition.h"
#include "medallion/delta/predicate.h"
#include "medallion/delta/schema.h"
#include "medallion/delta/table.h"
#include "medallion/delta/value_format.h"

namespace medallion::cli {

namespace {

using nlohmann::json;

Result<std::shared_ptr<delta::Table>> OpenTable(const std::string& uri) {
  MEDALLION_ASSIGN_OR_RETURN(auto store, storage::OpenObjectStore(uri));
  return delta::Table::Open(store);
}

Result<int64_t> ParseTimestampMillis(const std::string& text) {
  auto scalar = delta::PartitionValueFromString(text, arrow::timestamp(arrow::TimeUnit::MICRO, "UTC"));
  if (!scalar.ok() || !(*scalar)->is_valid) {
    return Status::InvalidArgument(fmt::format("'{}' is not an ISO-8601 timestamp", text));
  }
  return static_cast<const arrow::TimestampScalar&>(**scalar).value / 1000;
}

struct CreateArgs {
  std::string uri, schema, partition_by;
  std::vector<std::string> properties;
};

Status RunCreate(const CreateArgs& a) {
  MEDALLION_ASSIGN_OR_RETURN(auto schema, delta::ParseSchemaSpec(a.schema));
  delta::CreateOptions options;
  options.schema = schema;
  options.partition_columns = SplitCommaList(a.partition_by);
  for (const auto& p : a.properties) {
    auto eq = p.find('=');
    if (eq == std::string::npos) return Status::InvalidArgument(fmt::format("property '{}' must be key=value", p));
    options.configuration[p.substr(0, eq)] = p.substr(eq + 1);
  }
  MEDALLION_ASSIGN_OR_RETURN(auto store, storage::OpenObjectStore(a.uri));
  MEDALLION_ASSIGN_OR_RETURN(auto table, delta::Table::Create(store, options));
  std::cout << "created table " << table->uri() << " at version 0\n";
  return Status::OK();
}

struct AppendArgs {
  std::string uri, input, partition_by, mode = "append", compression = "snappy";
  int repeat = 1;
  int64_t target_file_size = 128ll << 20;
};

// Writer defaults come from the config (delta.*); flags given on the command
// line win.
Status ApplyWriterConfig(const Config& config, AppendArgs* a, bool compression_flag, bool size_flag) {
  if (!compression_flag) a->compression = config.GetString("delta.compression", a->compression);
  if (!size_flag) {
    MEDALLION_ASSIGN_OR_RETURN(a->target_file_size, config.GetInt("delta.target_file_size_bytes", a->target_file_size));
  }
  return Status::OK();
}

Status RunAppend(const AppendArgs& a) {
  MEDALLION_ASSIGN_OR_RETURN(auto data, ReadInputFile(a.input));
  MEDALLION_ASSIGN_OR_RETURN(auto store, storage::OpenObjectStore(a.uri));
  delta::CreateOptions create;
  MEDALLION_ASSIGN_OR_RETURN(create.schema, delta::CanonicalSchema(*data->schema()));
  create.partition_columns = SplitCommaList(a.partition_by);
  MEDALLION_ASSIGN_OR_RETURN(auto table, delta::Table::OpenOrCreate(store, create));
  delta::WriteOptions options;
  options.data.compression = a.compression;
  options.data.target_file_size_bytes = a.target_file_size;
  for (int i = 0; i < a.repeat; ++i) {
    auto written = a.mode == "overwrite" ? table->OverwritePartitions(data, options) : table->Append(data, options);
    if (!written.ok()) return written.status();
    std::cout << fmt::format("committed version {} ({} rows, {} files, {} bytes)", written->version,
                             written->num_rows, written->num_files, written->num_bytes)
              << std::endl;
  }
  return Status::OK();
}

struct DescribeArgs {
  std::string uri, format = "text";
  int64_t version = -1;
};

Status RunDescribe(const DescribeArgs& a) {
  MEDALLION_ASSIGN_OR_RETURN(auto table, OpenTable(a.uri));
  std::shared_ptr<const delta::Snapshot> snapshot = table->snapshot();
  if (a.version >= 0) {
    MEDALLION_ASSIGN_OR_RETURN(snapshot, table->SnapshotAt(a.version));
  }
  json txns = json::object();
  for (const auto& [app, txn] : snapshot->txns()) txns[app] = txn.version;
  json out = {{"uri", table->uri()},
              {"version", snapshot->version()},
              {"id", snapshot->metadata().id},
              {"name", snapshot->metadata().name ? json(*snapshot->metadata().name) : json(nullptr)},
              {"partition_columns", snapshot->partition_columns()},
              {"schema", snapshot->metadata().schema_string},
              {"configuration", snapshot->metadata().configuration},
              {"num_files", snapshot->files().size()},
              {"num_rows", snapshot->num_rows()},
              {"size_bytes", snapshot->size_bytes()},
              {"min_reader_version", snapshot->protocol().min_reader_version},
              {"min_writer_version", snapshot->protocol().min_writer_version},
              {"txns", txns}};
  if (a.format == "json") {
    std::cout << out.dump(2) << std::endl;
    return Status::OK();
  }
  std::cout << "table:      " << table->uri() << "\n"
            << "version:    " << snapshot->version() << "\n"
            << "id:         " << snapshot->metadata().id << "\n"
            << "partitions: " << fmt::format("{}", fmt::join(snapshot->partition_columns(), ", ")) << "\n"
            << "files:      " << snapshot->files().size() << "\n"
            << "rows:       " << snapshot->num_rows() << "\n"
            << "bytes:      " << snapshot->size_bytes() << "\n"
            << "protocol:   reader " << snapshot->protocol().min_reader_version << ", writer "
            << snapshot->protocol().min_writer_version << "\n"
            << "schema:\n";
  for (const auto& field : snapshot->schema()->fields()) {
    std::cout << "  " << field->name() << ": " << field->type()->ToString() << (field->nullable() ? "" : " not null")
              << "\n";
  }
  if (!snapshot->metadata().configuration.empty()) {
    std::cout << "properties:\n";
    for (const auto& [k, v] : snapshot->metadata().configuration) std::cout << "  " << k << " = " << v << "\n";
  }
  if (!snapshot->txns().empty()) {
    std::cout << "app transactions:\n";
    for (const auto& [app, txn] : snapshot->txns()) std::cout << "  " << app << " = " << txn.version << "\n";
  }
  return Status::OK();
}

struct HistoryArgs {
  std::string uri, format = "text";
  int64_t limit = -1;
};

Status RunHistory(const HistoryArgs& a) {
  MEDALLION_ASSIGN_OR_RETURN(auto table, OpenTable(a.uri));
  MEDALLION_ASSIGN_OR_RETURN(auto history, table->History(a.limit));
  json out = json::array();
  for (const auto& entry : history) {
    json info = json::parse(entry.commit_info_json, nullptr, false);
    if (info.is_discarded() || !info.is_object()) info = json::object();
    info["version"] = entry.version;
    if (!info.contains("timestamp")) info["timestamp"] = entry.timestamp_ms;
    out.push_back(info);
  }
  if (a.format == "json") {
    std::cout << out.dump(2) << std::endl;
    return Status::OK();
  }
  std::cout << fmt::format("{:>8}  {:<24}  {:<16}  {}\n", "version", "timestamp", "operation", "parameters");
  for (const auto& info : out) {
    int64_t ts = info.value("timestamp", int64_t{0});
    std::cout << fmt::format("{:>8}  {:<24}  {:<16}  {}\n", info.value("version", int64_t{-1}),
                             delta::FormatStatsTimestamp(ts * 1000, false), info.value("operation", std::string("?")),
                             info.value("operationParameters", json::object()).dump());
  }
  return Status::OK();
}

struct ScanArgs {
  std::string uri, where, columns, timestamp, format = "table";
  int64_t version = -1, limit = -1;
};

Status RunScan(const ScanArgs& a) {
  MEDALLION_ASSIGN_OR_RETURN(auto table, OpenTable(a.uri));
  std::shared_ptr<const delta::Snapshot> snapshot = table->snapshot();
  if (a.version >= 0 && !a.timestamp.empty()) {
    return Status::InvalidArgument("use either --version or --timestamp, not both");
  }
  if (a.version >= 0) {
    MEDALLION_ASSIGN_OR_RETURN(snapshot, table->SnapshotAt(a.version));
  }
  if (!a.timestamp.empty()) {
    MEDALLION_ASSIGN_OR_RETURN(int64_t ts, ParseTimestampMillis(a.timestamp));
    MEDALLION_ASSIGN_OR_RETURN(snapshot, table->SnapshotAsOf(ts));
  }
  delta::ScanOptions options;
  options.columns = SplitCommaList(a.columns);
  options.limit = a.limit;
  MEDALLION_ASSIGN_OR_RETURN(options.filter, delta::ParsePredicate(a.where, *snapshot->schema()));
  RowPrinter printer(std::cout, a.format);
  MEDALLION_RETURN_IF_ERROR(delta::ScanBatches(table->store(), *snapshot, options,
                                               [&](const std::shared_ptr<arrow::Table>& t) { return printer.Print(*t); }));
  return printer.Finish();
}

struct OptimizeArgs {
  std::string uri, where, compression = "snappy";
  int64_t target_size = 128ll << 20;
};

Status RunOptimize(const OptimizeArgs& a) {
  MEDALLION_ASSIGN_OR_RETURN(auto table, OpenTable(a.uri));
  MEDALLION_ASSIGN_OR_RETURN(auto filter, delta::ParsePredicate(a.where, *table->snapshot()->schema()));
  MEDALLION_ASSIGN_OR_RETURN(auto result, table->Optimize(filter, a.target_size, a.compression));
  if (result.version < 0) {
    std::cout << "nothing to optimize\n";
  } else {
    std::cout << fmt::format("committed version {}: {} files compacted into {} in {} partitions\n", result.version,
                             result.files_removed, result.files_added, result.partitions_optimized);
  }
  return Status::OK();
}

struct VacuumArgs {
  std::string uri;
  double retention_hours = 168;
  bool dry_run = false;
};

Status RunVacuum(const VacuumArgs& a) {
  MEDALLION_ASSIGN_OR_RETURN(auto table, OpenTable(a.uri));
  MEDALLION_ASSIGN_OR_RETURN(auto result, table->Vacuum(a.retention_hours, a.dry_run));
  for (const auto& path : result.deleted) std::cout << (a.dry_run ? "would delete " : "deleted ") << path << "\n";
  std::cout << fmt::format("{} {} files ({} bytes)\n", a.dry_run ? "would delete" : "deleted", result.deleted.size(),
                           result.bytes);
  return Status::OK();
}

}  // namespace

void AddTableCommands(CLI::App& app, CommandContext& ctx) {
  auto* table = app.add_subcommand("table", "Create, append to, inspect and maintain Delta tables");
  table->require_subcommand(1);
  const char* kUri = "Table location: a local path, file:///abs/path or s3://bucket/prefix";

  {
    auto args = std::make_shared<CreateArgs>();
    auto* cmd = table->add_subcommand("create", "Create an empty table (version 0)");
    cmd->add_option("uri", args->uri, kUri)->required();
    cmd->add_option("--schema", args->schema,
                    "Columns as name:type,... (string, long, integer, short, byte, double, float, boolean, date, "
                    "timestamp, binary, decimal(p,s)) or a Spark JSON schema")
        ->required();
    cmd->add_option("--partition-by", args->partition_by, "Comma-separated partition columns");
    cmd->add_option("--property", args->properties, "Table property key=value (repeatable)");
    cmd->callback([&ctx, args] { ctx.run = Guarded([args] { return RunCreate(*args); }); });
  }
  {
    auto args = std::make_shared<AppendArgs>();
    auto* cmd = table->add_subcommand("append", "Append a Parquet, CSV or JSON-lines file (creates the table if absent)");
    cmd->add_option("uri", args->uri, kUri)->required();
    cmd->add_option("--input", args->input, "Input file: .parquet, .csv or .jsonl")->required()->check(CLI::ExistingFile);
    cmd->add_option("--partition-by", args->partition_by, "Partition columns, when the table is created");
    cmd->add_option("--mode", args->mode, "append, or overwrite (replaces the partitions present in the input)")
        ->check(CLI::IsMember({"append", "overwrite"}));
    cmd->add_option("--repeat", args->repeat, "Write the input N times, one commit each")->check(CLI::PositiveNumber);
    auto* compression = cmd->add_option("--compression", args->compression, "snappy, zstd or none (config: delta.compression)")
                            ->check(CLI::IsMember({"snappy", "zstd", "none"}));
    auto* size = cmd->add_option("--target-file-size", args->target_file_size,
                                 "Target data file size in bytes (config: delta.target_file_size_bytes)");
    cmd->callback([&ctx, args, compression, size] {
      ctx.run = Guarded([&ctx, args, compression, size]() -> Status {
        MEDALLION_RETURN_IF_ERROR(ApplyWriterConfig(ctx.config, args.get(), compression->count() > 0, size->count() > 0));
        return RunAppend(*args);
      });
    });
  }
  {
    auto args = std::make_shared<DescribeArgs>();
    auto* cmd = table->add_subcommand("describe", "Schema, partitioning, size and app transactions of a table");
    cmd->add_option("uri", args->uri, kUri)->required();
    cmd->add_option("--version", args->version, "Describe this version instead of the latest");
    cmd->add_option("--format", args->format, "text or json")->check(CLI::IsMember({"text", "json"}));
    cmd->callback([&ctx, args] { ctx.run = Guarded([args] { return RunDescribe(*args); }); });
  }
  {
    auto args = std::make_shared<HistoryArgs>();
    auto* cmd = table->add_subcommand("history", "Commits, newest first (like DESCRIBE HISTORY)");
    cmd->add_option("uri", args->uri, kUri)->required();
    cmd->add_option("--limit", args->limit, "Show at most N commits");
    cmd->add_option("--format", args->format, "text or json")->check(CLI::IsMember({"text", "json"}));
    cmd->callback([&ctx, args] { ctx.run = Guarded([args] { return RunHistory(*args); }); });
  }
  {
    auto args = std::make_shared<ScanArgs>();
    auto* cmd = table->add_subcommand("scan", "Print rows, with partition pruning and stats-based file skipping");
    cmd->add_option("uri", args->uri, kUri)->required();
    cmd->add_option("--version", args->version, "Read this version (time travel)");
    cmd->add_option("--timestamp", args->timestamp, "Read the version current at this ISO-8601 time");
    cmd->add_option("--where", args->where, "Filter: col <op> value [AND ...], op one of = != < <= > >=");
    cmd->add_option("--columns", args->columns, "Comma-separated columns to print");
    cmd->add_option("--limit", args->limit, "Print at most N rows");
    cmd->add_option("--format", args->format, "table, csv or json (JSON lines)")
        ->check(CLI::IsMember({"table", "csv", "json"}));
    cmd->callback([&ctx, args] { ctx.run = Guarded([args] { return RunScan(*args); }); });
  }
  {
    auto args = std::make_shared<OptimizeArgs>();
    auto* cmd = table->add_subcommand("optimize", "Compact small files per partition (dataChange=false)");
    cmd->add_option("uri", args->uri, kUri)->required();
    cmd->add_option("--where", args->where, "Only partitions matching this filter on partition columns");
    cmd->add_option("--target-size", args->target_size, "Target file size in bytes (default 128 MiB)");
    cmd->add_option("--compression", args->compression, "snappy, zstd or none");
    cmd->callback([&ctx, args] { ctx.run = Guarded([args] { return RunOptimize(*args); }); });
  }
  {
    auto args = std::make_shared<VacuumArgs>();
    auto* cmd = table->add_subcommand("vacuum", "Delete data files no longer referenced and older than the retention");
    cmd->add_option("uri", args->uri, kUri)->required();
    cmd->add_option("--retention-hours", args->retention_hours, "Keep unreferenced files younger than this (default 168)");
    cmd->add_flag("--dry-run", args->dry_run, "List what would be deleted, delete nothing");
    cmd->callback([&ctx, args] { ctx.run = Guarded([args] { return RunVacuum(*args); }); });
  }
  {
    auto uri = std::make_shared<std::string>();
    auto* cmd = table->add_subcommand("checkpoint", "Write a checkpoint of the latest version now");
    cmd->add_option("uri", *uri, kUri)->required();
    cmd->callback([&ctx, uri] {
      ctx.run = Guarded([uri]() -> Status {
        MEDALLION_ASSIGN_OR_RETURN(auto table, OpenTable(*uri));
        MEDALLION_ASSIGN_OR_RETURN(int64_t version, table->Checkpoint());
        std::cout << "checkpoint written at version " << version << "\n";
        return Status::OK();
      });
    });
  }
}

}  // namespace medallion::cli
