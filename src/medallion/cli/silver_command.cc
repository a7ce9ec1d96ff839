// `medallion silver`: the incremental Bronze -> Silver job (transform/silver_job.h).
// Without --follow it consumes every Bronze version not yet in Silver and
// exits; with --follow it keeps polling Bronze every --trigger-ms until
// SIGINT/SIGTERM, which stop it between batches.
#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <thread>

#include "medallion/cli/commands.h"
#include "medallion/quality/suite_parser.h"
#include "medallion/transform/silver_job.h"

namespace medallion::cli {

namespace {

std::atomic<bool> g_stop_silver{false};

void OnSilverStopSignal(int) { g_stop_silver.store(true); }

struct SilverFlags {
  std::string entity = "orders";
  std::string bronze, silver, quarantine, metrics, suite;
  double dedup_horizon_hours = 48;
  int64_t max_versions_per_batch = 20;
  bool follow = false;
  int64_t trigger_ms = 250;
  double max_seconds = 0;
};

Status RunSilver(const SilverFlags& flags) {
  transform::SilverJobOptions options;
  options.entity = flags.entity;
  options.bronze_uri = flags.bronze;
  options.silver_uri = flags.silver;
  options.quarantine_uri = flags.quarantine;
  options.metrics_uri = flags.metrics;
  options.dedup_horizon_us = static_cast<int64_t>(flags.dedup_horizon_hours * 3600.0 * 1e6);
  options.max_versions_per_batch = flags.max_versions_per_batch;
  const std::string suite_path =
      flags.suite.empty() ? fmt::format("config/quality/{}_suite.yaml", flags.entity) : flags.suite;
  if (flags.suite.empty() && !std::filesystem::exists(suite_path)) {
    return Status::InvalidArgument(fmt::format("no --suite given and the default suite {} does not exist here", suite_path));
  }
  MEDALLION_ASSIGN_OR_RETURN(options.suite, quality::LoadSuiteFile(suite_path));
  MEDALLION_ASSIGN_OR_RETURN(auto job, transform::SilverJob::Open(std::move(options)));

  std::signal(SIGINT, OnSilverStopSignal);
  std::signal(SIGTERM, OnSilverStopSignal);
  const auto started = std::chrono::steady_clock::now();
  transform::SilverRunStats stats;
  while (!g_stop_silver.load()) {
    MEDALLION_ASSIGN_OR_RETURN(bool did, job->RunBatch(&stats));
    if (did) continue;
    if (!flags.follow) break;
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (flags.max_seconds > 0 && elapsed >= flags.max_seconds) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(flags.trigger_ms));
  }
  std::cout << fmt::format(
                   "silver {}: {} batches, Bronze up to version {}: {} rows -> {} Silver, {} quarantined ({} "
                   "duplicates), {} dropped",
                   flags.entity, stats.batches, stats.bronze_version, stats.bronze_rows, stats.silver_rows,
                   stats.quarantined, stats.duplicates, stats.dropped)
            << std::endl;
  return Status::OK();
}

}  // namespace

void AddSilverCommands(CLI::App& app, CommandContext& ctx) {
  auto flags = std::make_shared<SilverFlags>();
  auto* cmd = app.add_subcommand("silver", "Bronze -> Silver: typed, validated, deduplicated; rejects to quarantine");
  cmd->add_option("--entity", flags->entity, "Entity name (txn appId silver-<entity>)")->capture_default_str();
  cmd->add_option("--bronze", flags->bronze, "Bronze table, e.g. lake/bronze/orders")->required();
  cmd->add_option("--silver", flags->silver, "Silver table, e.g. lake/silver/orders")->required();
  cmd->add_option("--quarantine", flags->quarantine, "Quarantine table (default <silver>_quarantine)");
  cmd->add_option("--metrics", flags->metrics, "Quality metrics table (default <lake>/gold/quality_metrics)");
  cmd->add_option("--suite", flags->suite, "Expectation suite (default config/quality/<entity>_suite.yaml)");
  cmd->add_option("--dedup-horizon-hours", flags->dedup_horizon_hours, "Dedup by event_id within this much event time")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--max-versions-per-batch", flags->max_versions_per_batch, "Bronze commits per Silver batch")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--follow", flags->follow, "Keep polling Bronze until SIGINT/SIGTERM");
  cmd->add_option("--trigger-ms", flags->trigger_ms, "Poll interval with --follow")->capture_default_str();
  cmd->add_option("--max-seconds", flags->max_seconds, "With --follow: stop after this long (0: no limit)")
      ->capture_default_str();
  cmd->callback([&ctx, flags] {
    ctx.run = [flags]() -> int {
      Status st = RunSilver(*flags);
      return st.ok() ? 0 : ReportError(st);
    };
  });
}

}  // namespace medallion::cli
