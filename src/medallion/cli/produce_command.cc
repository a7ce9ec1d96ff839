// `medallion produce`: the event generator feeding Kafka. History first (past
// event times, as fast as the broker takes them), then live events at
// --rate. With --bootstrap embedded it runs librdkafka's in-process mock
// cluster, prints its address, and paces itself on the ingest group's lag
// (the mock's log is bounded: running ahead would lose data silently).
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <thread>

#include "medallion/cli/commands.h"
#include "medallion/common/logging.h"
#include "medallion/ingest/calendar.h"
#include "medallion/ingest/demand_truth.h"
#include "medallion/ingest/embedded_cluster.h"
#include "medallion/ingest/produce_run.h"
#include "medallion/ingest/producer.h"

namespace medallion::cli {

namespace {

std::atomic<bool> g_stop{false};

void OnSignal(int) { g_stop.store(true); }

struct ProduceFlags {
  ingest::ProduceRunOptions run;
  std::string bootstrap = "embedded";
  std::string history_end;
  std::string compression = "lz4";
  std::string lag_group = "medallion-ingest";
  std::string bootstrap_file;
  int64_t max_lag = -1;  // -1: 20 000 on the embedded cluster, off on a real broker
  int partitions = ingest::kDefaultPartitions;
  bool exit_when_done = false;
  std::string truth_lake;  // write <lake>/_truth/daily_demand for the produced days
};

Result<int32_t> ParseDate(const std::string& text) {
  int y = 0;
  unsigned m = 0, d = 0;
  char tail = 0;
  if (std::sscanf(text.c_str(), "%d-%u-%u%c", &y, &m, &d, &tail) != 3 || m < 1 || m > 12 || d < 1 || d > 31) {
    return Status::InvalidArgument("--history-end must be YYYY-MM-DD, got '" + text + "'");
  }
  return ingest::DaysFromCivil(y, m, d);
}

void PrintProgress(const ingest::ProduceProgress& p, bool tty) {
  const std::string lag = p.lag >= 0 ? fmt::format(", max lag {}", p.lag) : "";
  const std::string line =
      fmt::format("{} sent {} ({} bad), delivered {}, failed {}{}{}", p.live ? "live" : "history", p.sent, p.bad,
                  p.delivered, p.failed, lag, p.waiting ? " - waiting for the consumer group" : "");
  if (tty) {
    std::cerr << "\r\033[K" << line << std::flush;
  } else {
    spdlog::info("{}", line);
  }
}

int RunProduceCommand(ProduceFlags flags, const GlobalOptions& globals) {
  auto format = ParseLogFormat(globals.log_format);
  if (!format.ok()) return ReportError(format.status());
  if (auto st = InitLogging(*format, globals.log_level); !st.ok()) return ReportError(st);
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  const bool tty = isatty(STDERR_FILENO);
  if (!flags.history_end.empty()) {
    auto day = ParseDate(flags.history_end);
    if (!day.ok()) return ReportError(day.status());
    flags.run.history_end = *day;
  }
  if (!flags.truth_lake.empty() && flags.run.topic == "orders") {
    // Same seed, catalogue and scale as the generator: the expected units behind its orders.
    const int32_t end = flags.run.history_end != 0 ? flags.run.history_end : ingest::TodayUtc();
    ingest::DemandModel model(flags.run.seed, flags.run.num_products, flags.run.daily_units);
    auto version = ingest::WriteDemandTruth(flags.truth_lake, model, end - flags.run.history_days, end + 1);
    if (!version.ok()) return ReportError(version.status());
    spdlog::info("demand truth for {} products written to {}/{} (version {})", flags.run.num_products,
                 flags.truth_lake, ingest::kDemandTruthTable, *version);
  }
  std::unique_ptr<ingest::EmbeddedCluster> cluster;
  std::string bootstrap = flags.bootstrap;
  const bool embedded = bootstrap == "embedded";
  if (embedded) {
    auto started = ingest::EmbeddedCluster::Start();
    if (!started.ok()) return ReportError(started.status());
    cluster = std::move(*started);
    for (const char* topic : {"orders", "ticks"}) {
      if (auto st = cluster->CreateTopic(topic, flags.partitions); !st.ok()) return ReportError(st);
    }
    bootstrap = cluster->bootstrap();
    std::cout << "embedded Kafka cluster listening on " << bootstrap << std::endl;
    if (!flags.bootstrap_file.empty()) {
      std::ofstream(flags.bootstrap_file) << bootstrap << "\n";
    }
  }
  flags.run.max_lag = flags.max_lag >= 0 ? flags.max_lag : (embedded ? 20'000 : 0);
  ingest::ProducerOptions po;
  po.bootstrap = bootstrap;
  po.compression = flags.compression;
  auto producer = ingest::Producer::Open(po);
  if (!producer.ok()) return ReportError(producer.status());
  std::unique_ptr<ingest::GroupLagProbe> probe;
  if (flags.run.max_lag > 0) {
    auto opened = ingest::GroupLagProbe::Open(bootstrap, flags.lag_group);
    if (!opened.ok()) return ReportError(opened.status());
    probe = std::move(*opened);
  }
  const Status st = ingest::RunProduce(flags.run, **producer, probe.get(), g_stop,
                                       [&](const ingest::ProduceProgress& p) { PrintProgress(p, tty); });
  if (tty) std::cerr << std::endl;
  if (!st.ok()) return ReportError(st);
  if (embedded && !flags.exit_when_done) {
    // The data lives in this process: keep serving consumers until stopped.
    spdlog::info("done producing; the embedded cluster keeps serving {} until Ctrl-C", bootstrap);
    while (!g_stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return 0;
}

}  // namespace

void AddProduceCommands(CLI::App& app, CommandContext& ctx) {
  auto flags = std::make_shared<ProduceFlags>();
  auto* cmd = app.add_subcommand("produce", "Generate retail orders or stock ticks into Kafka");
  auto& r = flags->run;
  cmd->add_option("--topic", r.topic, "orders or ticks")->check(CLI::IsMember({"orders", "ticks"}))->capture_default_str();
  cmd->add_option("--bootstrap", flags->bootstrap, "host:port of a Kafka broker, or 'embedded' (in-process mock cluster)")
      ->capture_default_str();
  cmd->add_option("--rate", r.rate, "Live events per second after the history (0: no live phase)")->capture_default_str();
  cmd->add_option("--history-days", r.history_days, "Days of past events to produce first")->capture_default_str();
  cmd->add_option("--history-end", flags->history_end, "First day after the history, YYYY-MM-DD (default: today UTC)");
  cmd->add_option("--duration", r.duration_s, "Seconds of live events (0: until Ctrl-C)")->capture_default_str();
  cmd->add_option("--max-events", r.max_events, "Stop after this many records (0: no limit)")->capture_default_str();
  cmd->add_option("--seed", r.seed, "Random seed: same seed, same events")->capture_default_str();
  cmd->add_option("--bad-fraction", r.bad_fraction, "Share of good orders followed by a malformed record")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cmd->add_option("--heavy-bad-every", r.heavy_bad_every, "Every Nth bad record is a megabyte one (0: never)")
      ->capture_default_str();
  cmd->add_option("--products", r.num_products, "Products in the catalogue")->capture_default_str();
  cmd->add_option("--customers", r.num_customers, "Customers in the base")->capture_default_str();
  cmd->add_option("--daily-units", r.daily_units, "Rough units sold per day over all products")->capture_default_str();
  cmd->add_option("--compression", flags->compression, "none, gzip, snappy, lz4 or zstd")
      ->check(CLI::IsMember({"none", "gzip", "snappy", "lz4", "zstd"}))
      ->capture_default_str();
  cmd->add_option("--max-lag", flags->max_lag,
                  "Pause while the lag group is this many records behind (-1: 20000 when embedded, else off)")
      ->capture_default_str();
  cmd->add_option("--lag-group", flags->lag_group, "Consumer group whose lag paces the producer")->capture_default_str();
  cmd->add_option("--partitions", flags->partitions, "Partitions per topic on the embedded cluster")->capture_default_str();
  cmd->add_option("--bootstrap-file", flags->bootstrap_file, "Embedded: also write the bootstrap address to this file");
  cmd->add_option("--truth-lake", flags->truth_lake, "Orders: also write the expected demand to <lake>/_truth/daily_demand");
  cmd->add_flag("--exit-when-done", flags->exit_when_done, "Embedded: exit after producing instead of serving on");
  // Runs inside the parse callback (the command needs nothing set up by
  // main), so it works whether or not main() defers work through ctx.
  cmd->callback([flags, &ctx] { ctx.exit_code = RunProduceCommand(*flags, ctx.globals); });
}

}  // namespace medallion::cli
