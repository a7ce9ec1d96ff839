// `medallion stream`: Bronze -> Silver -> Gold continuously in one process
// (transform/stream_runner.h), with a one-line live status and freshness
// exported to <lake>/_runs/stream_status.json. SIGINT/SIGTERM stop it after
// the trigger in hand; everything it committed is consistent, and a restart
// resumes from the tables' txns.
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <iostream>
#include <thread>

#include "medallion/cli/commands.h"
#include "medallion/transform/stream_runner.h"

namespace medallion::cli {

namespace {

std::atomic<bool> g_stop_stream{false};

void OnStreamStopSignal(int) { g_stop_stream.store(true); }

struct StreamFlags {
  std::string lake;
  std::string entities = "orders,ticks";
  std::string suite;
  int64_t trigger_ms = 250;
  double watermark_minutes = 10;
  double max_seconds = 0;
  bool until_idle = false;
  int64_t status_ms = 2000;
  int64_t max_versions_per_batch = 20;
  int64_t daily_ms = 2000;
};

std::string StatusLine(const transform::StreamStats& s) {
  return fmt::format("stream: {} triggers | bronze {} rows (v{}) | silver {} rows, {} quarantined | gold {} commits, "
                     "{} rows, {} late | {:.0f} rows/s | freshness p50 {:.0f} ms p99 {:.0f} ms ({} rows)",
                     s.triggers, s.bronze.rows_in, s.bronze.version, s.silver.rows_out, s.quarantined, s.gold.commits,
                     s.gold.rows_out, s.late_events, s.throughput_rows_per_s, s.freshness.Quantile(0.5),
                     s.freshness.Quantile(0.99), s.freshness.count());
}

Status RunStream(StreamFlags flags, const Config& config) {
  transform::StreamOptions options;
  options.lake_uri = flags.lake.empty() ? config.GetString("lake.root", "./lake") : flags.lake;
  options.entities = SplitCommaList(flags.entities);
  options.orders_suite_path = flags.suite;
  options.trigger_interval_ms = flags.trigger_ms;
  options.watermark_us = static_cast<int64_t>(flags.watermark_minutes * 60e6);
  options.status_interval_ms = flags.status_ms;
  options.max_versions_per_batch = flags.max_versions_per_batch;
  options.daily_interval_ms = flags.daily_ms;
  MEDALLION_ASSIGN_OR_RETURN(auto runner, transform::StreamRunner::Open(options));

  std::signal(SIGINT, OnStreamStopSignal);
  std::signal(SIGTERM, OnStreamStopSignal);
  const auto started = std::chrono::steady_clock::now();
  auto out_of_time = [&] {
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return flags.max_seconds > 0 && elapsed >= flags.max_seconds;
  };
  const bool tty = ::isatty(STDERR_FILENO) != 0;
  auto last_line = std::chrono::steady_clock::now();
  auto show = [&](bool force) {
    const auto now = std::chrono::steady_clock::now();
    if (!force && now - last_line < std::chrono::milliseconds(tty ? 500 : 5000)) return;
    last_line = now;
    if (tty) std::cerr << "\r\033[K" << StatusLine(runner->Stats()) << std::flush;
    else spdlog::info("{}", StatusLine(runner->Stats()));
  };

  Status result;
  if (flags.until_idle) {
    // On the caller's thread: trigger until a trigger finds nothing to do.
    while (!g_stop_stream.load() && !out_of_time()) {
      auto moved = runner->RunOnce();
      if (!moved.ok()) {
        result = moved.status();
        break;
      }
      show(false);
      if (!*moved) break;
    }
    if (Status written = runner->WriteStatus(); result.ok()) result = written;
  } else {
    MEDALLION_RETURN_IF_ERROR(runner->Start());
    while (!g_stop_stream.load() && !out_of_time() && runner->running()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      if (!runner->Stats().last_error.empty()) break;
      show(false);
    }
    result = runner->Stop();
  }
  if (tty) std::cerr << "\n";
  std::cout << StatusLine(runner->Stats()) << std::endl;
  return result;
}

}  // namespace

void AddStreamCommands(CLI::App& app, CommandContext& ctx) {
  auto flags = std::make_shared<StreamFlags>();
  auto* cmd = app.add_subcommand("stream", "Bronze -> Silver -> Gold continuously, with freshness (event -> Gold)");
  cmd->add_option("--lake", flags->lake, "Lake root (default: lake.root, else ./lake)");
  cmd->add_option("--entities", flags->entities, "Comma-separated: orders, ticks")->capture_default_str();
  cmd->add_option("--suite", flags->suite, "Orders expectation suite (default config/quality/orders_suite.yaml)");
  cmd->add_option("--trigger-ms", flags->trigger_ms, "Milliseconds between trigger starts")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--watermark-minutes", flags->watermark_minutes, "Allowed lateness of the windowed aggregates")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--max-seconds", flags->max_seconds, "Stop after this long (0: until SIGINT/SIGTERM)")
      ->capture_default_str();
  cmd->add_flag("--until-idle", flags->until_idle, "Exit once a trigger finds nothing new");
  cmd->add_option("--status-ms", flags->status_ms, "How often _runs/stream_status.json is rewritten")
      ->capture_default_str();
  cmd->add_option("--max-versions-per-batch", flags->max_versions_per_batch, "Bronze commits per Silver batch")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--daily-ms", flags->daily_ms,
                  "How often the daily Gold tables (all but revenue_city_hourly, which every trigger updates) "
                  "are recomputed")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->callback([&ctx, flags] {
    ctx.run = [flags, &ctx] {
      Status st = RunStream(*flags, ctx.config);
      return st.ok() ? 0 : ReportError(st);
    };
  });
}

}  // namespace medallion::cli
