// `medallion ingest`: Kafka -> Bronze Delta table, exactly once. Positions
// come from the table's txn actions (see ingest/delta_bronze.h); SIGINT or
// SIGTERM stops after the batch in hand is committed, leaves the group and
// exits 0.
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <iostream>

#include "medallion/cli/commands.h"
#include "medallion/common/config.h"
#include "medallion/common/logging.h"
#include "medallion/ingest/delta_bronze.h"
#include "medallion/ingest/ingest_loop.h"
#include "medallion/ingest/kafka_source.h"
#include "medallion/storage/object_store.h"

namespace medallion::cli {

namespace {

std::atomic<bool> g_stop_ingest{false};

void OnStopSignal(int) { g_stop_ingest.store(true); }

struct IngestFlags {
  std::string topic;
  std::string table;         // relative to the lake root unless absolute or a URI
  std::string dead_letters;  // default: <lake>/bronze/_dead_letters
  std::string group = "medallion-ingest";
  std::string bootstrap;     // default: kafka.bootstrap_servers, else 127.0.0.1:9092
  std::string lake;          // default: lake.root, else ./lake
  bool until_idle = false;
  double max_seconds = 0;
  int64_t max_batch_records = 50'000;
  int64_t max_batch_mib = 128;
  int64_t max_batch_ms = 1000;
};

std::string Resolve(const std::string& lake, const std::string& path) {
  if (path.find("://") != std::string::npos || (!path.empty() && path[0] == '/')) return path;
  return storage::JoinPath(lake, path);
}

int RunIngestCommand(IngestFlags flags, const GlobalOptions& globals) {
  auto format = ParseLogFormat(globals.log_format);
  if (!format.ok()) return ReportError(format.status());
  if (auto st = InitLogging(*format, globals.log_level); !st.ok()) return ReportError(st);
  auto config = Config::Load(globals.config_path);
  if (!config.ok()) return ReportError(config.status());
  if (flags.lake.empty()) flags.lake = config->GetString("lake.root", "./lake");
  if (flags.bootstrap.empty()) flags.bootstrap = config->GetString("kafka.bootstrap_servers", "127.0.0.1:9092");
  if (flags.table.empty()) flags.table = "bronze/" + flags.topic;
  if (flags.dead_letters.empty()) flags.dead_letters = "bronze/_dead_letters";
  std::signal(SIGINT, OnStopSignal);
  std::signal(SIGTERM, OnStopSignal);

  auto bronze = ingest::OpenBronzeTable(Resolve(flags.lake, flags.table));
  if (!bronze.ok()) return ReportError(bronze.status());
  auto dead = ingest::OpenDeadLetterTable(Resolve(flags.lake, flags.dead_letters));
  if (!dead.ok()) return ReportError(dead.status());
  ingest::DeltaOffsetStore offsets(*bronze);
  ingest::DeltaBronzeSink sink(*bronze, *dead, &offsets, flags.group, flags.topic);
  ingest::KafkaSourceOptions so;
  so.bootstrap = flags.bootstrap;
  so.group_id = flags.group;
  so.topic = flags.topic;
  so.max_batch_records = flags.max_batch_records;
  so.max_batch_bytes = flags.max_batch_mib << 20;
  so.max_batch_wait = std::chrono::milliseconds(flags.max_batch_ms);
  so.return_at_end = flags.until_idle;
  // On a short machine, reading a backlog: converting and committing first,
  // prefetching second (bench/ingest: 0.72 -> 0.67 s per million records on
  // 2 cores; no effect while a core is free).
  so.fetch_thread_nice = 10;
  auto source = ingest::KafkaSource::Open(so, &offsets);
  if (!source.ok()) return ReportError(source.status());

  const bool tty = isatty(STDERR_FILENO);
  const auto start = std::chrono::steady_clock::now();
  auto last_print = start;
  ingest::IngestProgress last;
  auto report = [&](const ingest::IngestProgress& p) {
    last = p;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_print < std::chrono::seconds(1)) return;
    last_print = now;
    int64_t lag = 0;
    for (const auto& l : (*source)->Lag()) lag += l.committed >= 0 ? l.high - l.committed : l.high - l.low;
    const double secs = std::chrono::duration<double>(now - start).count();
    const std::string line = fmt::format("{} records ({:.0f}/s) in {} commits, {} dead letters, lag {}", p.records,
                                         p.records / std::max(secs, 1e-3), p.batches, p.dead_letters, lag);
    if (tty) std::cerr << "\r\033[K" << line << std::flush;
    else spdlog::info("{}", line);
  };
  const Status st = ingest::RunIngestLoop(**source, sink,
                                          {.until_idle = flags.until_idle, .max_seconds = flags.max_seconds},
                                          g_stop_ingest, report);
  if (tty) std::cerr << std::endl;
  const Status closed = (*source)->Close();
  if (!st.ok()) return ReportError(st);
  if (!closed.ok()) return ReportError(closed);
  spdlog::info("ingested {} records in {} commits ({} dead letters, {} stale batches dropped)", last.records,
               last.batches, last.dead_letters, last.conflicts);
  // Where the CPU went (bench/ingest.py prints it): this thread polls and
  // builds the batches; librdkafka's threads fetch and decompress.
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const double total = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                       static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1e-6;
  const double polling = ingest::ThreadCpuSeconds();
  spdlog::info("cpu seconds: total {:.2f}, polling thread {:.2f}, writer {:.2f}, librdkafka and others {:.2f}", total,
               polling, last.writer_cpu_seconds, total - polling - last.writer_cpu_seconds);
  return 0;
}

}  // namespace

void AddIngestCommands(CLI::App& app, CommandContext& ctx) {
  auto flags = std::make_shared<IngestFlags>();
  auto* cmd = app.add_subcommand("ingest", "Kafka topic -> Bronze Delta table, exactly once");
  cmd->add_option("--topic", flags->topic, "Kafka topic")->required();
  cmd->add_option("--table", flags->table, "Bronze table (default bronze/<topic> under the lake root)");
  cmd->add_option("--dead-letters", flags->dead_letters, "Dead-letter table (default bronze/_dead_letters)");
  cmd->add_option("--group", flags->group, "Consumer group")->capture_default_str();
  cmd->add_option("--bootstrap", flags->bootstrap, "Kafka bootstrap host:port (default: kafka.bootstrap_servers)");
  cmd->add_option("--lake", flags->lake, "Lake root (default: lake.root, else ./lake)");
  cmd->add_flag("--until-idle", flags->until_idle, "Exit once the assigned partitions are drained");
  cmd->add_option("--max-seconds", flags->max_seconds, "Exit after this long (0: no limit)")
      ->capture_default_str()
      ->check([](const std::string& text) -> std::string {
        double seconds = 0;
        const bool number = CLI::detail::lexical_cast(text, seconds);
        return number && seconds >= 0 ? "" : "must be a number of seconds >= 0 (0: no limit), got " + text;
      });
  cmd->add_option("--max-batch-records", flags->max_batch_records, "Flush after this many records")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, ingest::kMaxBatchRecords));
  cmd->add_option("--max-batch-mib", flags->max_batch_mib, "Flush after this many MiB")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, ingest::kMaxBatchBytes >> 20));
  cmd->add_option("--max-batch-ms", flags->max_batch_ms, "Flush after this many milliseconds")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{3'600'000}));
  cmd->callback([flags, &ctx] { ctx.exit_code = RunIngestCommand(*flags, ctx.globals); });
}

}  // namespace medallion::cli
