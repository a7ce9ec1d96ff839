// `medallion demo`: the whole product in one process, no server to start by
// hand and no Java.
//
//   1. Kafka: librdkafka's embedded mock cluster (or --kafka host:port).
//   2. History: --history-days of orders and ticks through the real path,
//      generator -> Kafka -> ingest -> bronze/<topic>, as fast as ingest
//      keeps up (the feed waits on the group's lag: the mock's log is
//      bounded). The generator's truth goes to _truth/daily_demand.
//   3. Backfill: the daily DAG for every history day, in order (Silver,
//      quality, Gold, train, evaluate, promote, predict, API smoke test).
//      Silver is complete after the first date, so once every product has
//      been seen the Gold task builds the rest of the history in one pass
//      (the rows the per-date job writes; later dates find it done). Training is the slow step, so
//      it trains weekly counted back from the last day (--train-every-days),
//      and that last day always trains; the tick classifier, whose ticks are
//      all there from the start, trains once, on the last day.
//   4. Live: the generator at the history's daily volume on an accelerated
//      clock (one simulated day per --day-seconds), Silver and today's Gold
//      kept current, the daily DAG for every simulated day that ends, and the
//      API and dashboard on --port, until Ctrl-C, SIGTERM or --duration.
//
// Each phase prints its wall and CPU time, and "ready" says when the champion,
// its forecasts and every dashboard page's data are there.
//
// --duration counts from the start, but the history and its backfill always
// finish first (a scripted run leaves a trained lake); a signal stops at
// once, at any phase, after flushing and committing what is in hand.
#include <arrow/api.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <set>
#include <vector>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <thread>

#include "medallion/cli/commands.h"
#include "medallion/cli/demo_feed.h"
#include "medallion/cli/demo_ingest.h"
#include "medallion/cli/demo_live.h"
#include "medallion/cli/demo_phase_clock.h"
#include "medallion/cli/demo_status.h"
#include "medallion/delta/predicate.h"
#include "medallion/delta/scan.h"
#include "medallion/delta/table.h"
#include "medallion/ingest/calendar.h"
#include "medallion/ingest/embedded_cluster.h"
#include "medallion/orchestrate/accelerated_clock.h"
#include "medallion/orchestrate/daily_tasks.h"
#include "medallion/orchestrate/dag_catalog.h"
#include "medallion/ingest/demand_truth.h"
#include "medallion/ml/registry.h"
#include "medallion/serve/api_server.h"

namespace medallion::cli {

namespace {

std::atomic<bool> g_stop_demo{false};

void OnDemoSignal(int) { g_stop_demo.store(true); }

// Ingest's consumer groups are "<prefix>-<topic>", one per topic, so the
// two topics' consumers never rebalance each other. On a real cluster the
// prefix is fixed; the embedded cluster is new on every run and its offsets
// restart at 0, so each run uses a prefix of its own: the Bronze txns of an
// earlier run's group (appId <group>-<topic>-<p>) must not make this run
// skip offsets that hold new records.
constexpr char kIngestGroup[] = "medallion-ingest";

std::string IngestGroupPrefix(bool embedded) {
  if (!embedded) return kIngestGroup;
  return fmt::format("medallion-demo-{}", std::chrono::duration_cast<std::chrono::seconds>(
                                              std::chrono::system_clock::now().time_since_epoch())
                                              .count());
}

// Rows already in bronze/orders (0 when the table does not exist).
int64_t BronzeOrderRows(const std::string& lake) {
  auto table = delta::Table::Open(storage::JoinPath(lake, "bronze/orders"));
  return table.ok() ? (*table)->snapshot()->num_rows() : 0;
}

struct DemoFlags {
  std::string lake = "./lake";
  std::string kafka;  // empty: embedded
  std::string bind = "127.0.0.1";
  std::string port = "8080";  // a number, 0 or "free": an ephemeral port
  std::string static_dir;     // default: web/dist of the checkout
  std::string runs_dir;
  int history_days = 90;
  double day_seconds = 60;
  double duration = 0;
  int train_every_days = 7;
  int boost_rounds = 80;
  DemoFeedOptions feed;
};

using Clock = std::chrono::steady_clock;

// The live status line on a terminal (rewritten in place), or a log line
// every ten seconds when stderr is a file.
class StatusPrinter {
 public:
  explicit StatusPrinter(DemoStatus& status) : status_(status), tty_(isatty(STDERR_FILENO)) {}

  void SetPhase(std::string phase) {
    std::lock_guard<std::mutex> lock(mu_);
    phase_ = std::move(phase);
  }

  // Prints a finished line (above the status line on a terminal).
  void Say(const std::string& line) {
    std::lock_guard<std::mutex> lock(mu_);
    if (tty_) std::cerr << "\r\033[K";
    std::cerr << line << std::endl;
  }

  void Tick() {
    status_.Sample();
    if (auto st = status_.WriteJson(); !st.ok()) spdlog::debug("ingest_status.json: {}", st.ToString());
    std::lock_guard<std::mutex> lock(mu_);
    const std::string line = fmt::format("[{}] {}", phase_, status_.Line());
    if (tty_) {
      std::cerr << "\r\033[K" << line << std::flush;
    } else if (Clock::now() - last_plain_ >= std::chrono::seconds(10)) {
      last_plain_ = Clock::now();
      std::cerr << line << std::endl;
    }
  }

  void Finish() {
    if (tty_) std::cerr << std::endl;
  }

 private:
  DemoStatus& status_;
  bool tty_;
  std::mutex mu_;
  std::string phase_ = "starting";
  Clock::time_point last_plain_{};
};

// Runs `tick` every `period` on a thread until destroyed.
class Ticker {
 public:
  Ticker(std::chrono::milliseconds period, std::function<void()> tick)
      : thread_([this, period, tick = std::move(tick)] {
          while (!stop_.load()) {
            tick();
            const auto until = Clock::now() + period;
            while (!stop_.load() && Clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(50));
          }
        }) {}
  ~Ticker() {
    stop_.store(true);
    thread_.join();
  }

 private:
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

Result<std::string> ResolveLake(const std::string& lake) {
  if (lake.find("://") != std::string::npos) return lake;
  std::error_code ec;
  std::filesystem::create_directories(lake, ec);
  if (ec) return Status::IOError(fmt::format("cannot create lake directory {}: {}", lake, ec.message()));
  return std::filesystem::absolute(lake).lexically_normal().string();
}

Result<uint16_t> ParsePort(const std::string& text) {
  if (text == "free") return uint16_t{0};
  try {
    size_t used = 0;
    const int port = std::stoi(text, &used);
    if (used == text.size() && port >= 0 && port <= 65535) return static_cast<uint16_t>(port);
  } catch (const std::exception&) {
  }
  return Status::InvalidArgument("--port must be 0..65535 or 'free', got '" + text + "'");
}

// Silver quarantines events more than a day ahead of their ingest time, so
// the simulated clock may run fast only until it reaches the present: the
// live phase replays the last kCatchUpDays days at --day-seconds each, then
// goes on in real time.
constexpr int32_t kCatchUpDays = 7;

int64_t SimulatedNowMillis(const orchestrate::AcceleratedClock& clock) {
  const int64_t wall = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
  return std::min(clock.NowMillis(), wall);
}

int32_t SimulatedToday(const orchestrate::AcceleratedClock& clock) {
  return static_cast<int32_t>(SimulatedNowMillis(clock) / orchestrate::AcceleratedClock::kDayMillis);
}

bool TimeIsUp(const DemoFlags& flags, Clock::time_point started) {
  return flags.duration > 0 && std::chrono::duration<double>(Clock::now() - started).count() >= flags.duration;
}

// Waits until ingest has written everything the feed sent (lag 0 and the
// Bronze rows add up), or the stop flag.
Status WaitForBronze(DemoStatus& status, const DemoFeed& feed, std::chrono::seconds limit) {
  const auto deadline = Clock::now() + limit;
  while (!g_stop_demo.load()) {
    status.Sample();
    int64_t rows = 0;
    for (const auto& [topic, t] : status.topics()) rows += t.bronze_rows;
    if (status.max_lag() == 0 && rows >= feed.sent()) return Status::OK();
    if (Clock::now() > deadline) {
      return Status::Timeout(fmt::format("ingest wrote {} of {} records to Bronze within {} s (lag {})", rows,
                                         feed.sent(), limit.count(), status.max_lag()));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  return Status::OK();
}

void ReportDagRun(StatusPrinter& printer, const orchestrate::DagRunOutcome& run) {
  if (run.ok()) return;
  printer.Say(fmt::format("daily DAG {}: {}", run.logical_date, run.ToStatus().ToString()));
}

// Wall seconds each task of the DAG spent over a backfill, tries included.
class TaskTimes {
 public:
  void Add(orchestrate::RunStore& store, const orchestrate::DagRunOutcome& run) {
    if (run.run_id == 0) return;  // nothing ran
    auto tries = store.TaskInstancesOfRun(run.run_id);
    if (!tries.ok()) return;  // timings are a report, not a reason to stop
    for (const auto& t : *tries) {
      if (t.end_ms > t.start_ms) seconds_[t.task] += static_cast<double>(t.end_ms - t.start_ms) / 1000;
    }
  }

  // "bronze_to_silver 8.1s, validate_data_quality 2.0s, ..." in DAG order.
  std::string Describe(const orchestrate::DagSpec& spec) const {
    std::vector<std::string> parts;
    for (const auto& [task, upstream] : spec.tasks) {
      auto it = seconds_.find(task);
      parts.push_back(fmt::format("{} {}", task, FormatSeconds(it == seconds_.end() ? 0 : it->second)));
    }
    return fmt::format("{}", fmt::join(parts, ", "));
  }

 private:
  std::map<std::string, double> seconds_;
};

// "champion demand v3" from the registry, or what is missing.
std::string DescribeChampion(const std::string& lake) {
  auto registry = ml::Registry::Open(lake);
  if (!registry.ok()) return "no model registry: " + registry.status().ToString();
  auto champion = registry->Alias("demand", ml::kChampionAlias);
  if (!champion.ok()) return "champion unknown: " + champion.status().ToString();
  if (!champion->has_value()) return "no champion yet";
  return fmt::format("champion demand v{}", (*champion)->version);
}

// "forecasts J+1..J+7 as of <date>" from gold/demand_forecast's rows, or
// what is missing.
std::string DescribeForecasts(const std::string& lake, const std::string& as_of) {
  auto table = delta::Table::Open(storage::JoinPath(lake, "gold/demand_forecast"));
  if (!table.ok()) return "no gold/demand_forecast: " + table.status().ToString();
  auto snapshot = (*table)->snapshot();
  delta::ScanOptions scan;
  scan.columns = {"horizon"};
  auto filter = delta::ParsePredicate(fmt::format("as_of_date = '{}'", as_of), *snapshot->schema());
  if (!filter.ok()) return "gold/demand_forecast: " + filter.status().ToString();
  scan.filter = *filter;
  auto rows = delta::ScanToTable((*table)->store(), *snapshot, scan);
  if (!rows.ok()) return "gold/demand_forecast: " + rows.status().ToString();
  std::set<std::string> horizons;
  for (const auto& chunk : (*rows)->column(0)->chunks()) {
    for (int64_t i = 0; i < chunk->length(); ++i) {
      if (auto value = chunk->GetScalar(i); value.ok()) horizons.insert((*value)->ToString());
    }
  }
  if (!horizons.count("1") || !horizons.count("7")) {
    return fmt::format("gold/demand_forecast lacks J+1 or J+7 as of {} (horizons: {})", as_of, fmt::join(horizons, ","));
  }
  return fmt::format("forecasts J+1..J+7 as of {} ({} rows)", as_of, (*rows)->num_rows());
}

void PrintWelcome(const DemoFlags& flags, const std::string& lake, const std::string& bootstrap, uint16_t port,
                  bool dashboard) {
  const std::string base = fmt::format("http://{}:{}", flags.bind, port);
  std::cout << fmt::format(
                   "medallion demo\n"
                   "  dashboard   {}/{}\n"
                   "  API docs    {}/docs   (OpenAPI: {}/openapi.json)\n"
                   "  lake        {}\n"
                   "  kafka       {}{}\n"
                   "  read a table:\n"
                   "    python -c \"from deltalake import DeltaTable; "
                   "print(DeltaTable('{}/gold/sales_daily').to_pandas())\"\n"
                   "    duckdb -c \"INSTALL delta; LOAD delta; "
                   "SELECT * FROM delta_scan('{}/gold/demand_forecast') LIMIT 10\"\n"
                   "  Ctrl-C stops (everything in hand is committed first)\n",
                   base, dashboard ? "" : "   (no dashboard files: build web/ first; the API is up)", base, base, lake,
                   bootstrap, flags.kafka.empty() ? " (embedded)" : "", lake, lake)
            << std::endl;
}

Status RunDemo(DemoFlags flags, const CommandContext& ctx) {
  const auto started = Clock::now();
  PhaseClock phases;
  std::signal(SIGINT, OnDemoSignal);
  std::signal(SIGTERM, OnDemoSignal);
  // The status line is the demo's output; task logs go to their files.
  if (ctx.globals.log_level == "info") spdlog::set_level(spdlog::level::warn);
  MEDALLION_ASSIGN_OR_RETURN(const std::string lake, ResolveLake(flags.lake));
  MEDALLION_ASSIGN_OR_RETURN(const uint16_t port, ParsePort(flags.port));
  if (flags.history_days < 1) return Status::InvalidArgument("--history-days must be at least 1");
  if (flags.day_seconds <= 0) return Status::InvalidArgument("--day-seconds must be positive");
  if (flags.runs_dir.empty()) flags.runs_dir = ctx.config.GetString("orchestrate.runs_dir", "");
  if (flags.runs_dir.empty()) {
    flags.runs_dir = lake.find("://") == std::string::npos ? lake + "/_runs" : "./medallion_runs";
  }

  // 1. Kafka.
  std::unique_ptr<ingest::EmbeddedCluster> cluster;
  std::string bootstrap = flags.kafka;
  if (bootstrap.empty()) {
    MEDALLION_ASSIGN_OR_RETURN(cluster, ingest::EmbeddedCluster::Start());
    for (const char* topic : {"orders", "ticks"}) MEDALLION_RETURN_IF_ERROR(cluster->CreateTopic(topic));
    bootstrap = cluster->bootstrap();
  }

  // The API first, so /health answers while the history loads.
  serve::ServeOptions serve_options;
  serve_options.lake_uri = lake;
  serve_options.bind = flags.bind;
  serve_options.port = port;
  serve_options.threads = 2;
  serve_options.static_dir = flags.static_dir.empty() ? serve::DefaultStaticDir() : flags.static_dir;
  MEDALLION_ASSIGN_OR_RETURN(auto server, serve::StartApiServer(serve_options));
  PrintWelcome(flags, lake, bootstrap, server->port(), !serve_options.static_dir.empty());
  const std::string dashboard_url = fmt::format("http://{}:{}/", flags.bind, server->port());

  const std::string group = IngestGroupPrefix(cluster != nullptr);
  std::vector<std::unique_ptr<IngestWorker>> workers;
  for (const char* topic : {"orders", "ticks"}) {
    MEDALLION_ASSIGN_OR_RETURN(auto worker, IngestWorker::Start(bootstrap, group + "-" + topic, lake, topic));
    workers.push_back(std::move(worker));
  }
  MEDALLION_ASSIGN_OR_RETURN(auto status,
                             DemoStatus::Open(lake, bootstrap, group, {"orders", "ticks"},
                                              [&server] { return server->champion_version(); }));
  StatusPrinter printer(*status);
  Ticker ticker(std::chrono::seconds(2), [&] { printer.Tick(); });
  printer.Say(fmt::format("start: Kafka, API and ingest up: {}", FormatPhaseTime(phases.Lap())));

  // 2. History, unless the lake has one (a second run resumes: the backfill
  // passes over the dates already done, then live goes on).
  // The history ends kCatchUpDays before today; live replays those days on
  // the accelerated clock, then follows the wall clock (see SimulatedNow).
  const int32_t end = ingest::TodayUtc() - kCatchUpDays;
  const bool has_history = BronzeOrderRows(lake) > 0;
  flags.feed.bootstrap = bootstrap;
  flags.feed.group_prefix = group;
  flags.feed.history_end = end;
  flags.feed.history_days = flags.history_days;
  if (!cluster) flags.feed.max_lag = 0;  // a real broker keeps everything
  MEDALLION_ASSIGN_OR_RETURN(auto feed, DemoFeed::Open(flags.feed));
  const int32_t first = end - flags.history_days;
  if (has_history) {
    printer.Say(fmt::format("{} already holds a history: not generating another (a fresh --lake starts over)", lake));
  } else {
    for (int32_t day = first; day < end && !g_stop_demo.load(); ++day) {
      printer.SetPhase(fmt::format("history {} {}/{}", ingest::FormatDate(day), day - first + 1, flags.history_days));
      MEDALLION_RETURN_IF_ERROR(feed->SendDay(day, g_stop_demo));
    }
    MEDALLION_RETURN_IF_ERROR(feed->Flush());
    // A year past the history: the live phase's simulated days have truth too.
    MEDALLION_RETURN_IF_ERROR(ingest::WriteDemandTruth(lake, feed->demand(), first, end + 366).status());
    printer.SetPhase("history: waiting for ingest");
    MEDALLION_RETURN_IF_ERROR(WaitForBronze(*status, *feed, std::chrono::seconds(300)));
    printer.Say(fmt::format("history {} days: {}, {} events in Bronze", flags.history_days,
                            FormatPhaseTime(phases.Lap()), GroupDigits(feed->sent())));
  }

  // 3. Backfill the daily DAG over the history.
  orchestrate::RunnerOptions runner_options;
  runner_options.lake_root = lake;
  runner_options.runs_dir = flags.runs_dir;
  MEDALLION_ASSIGN_OR_RETURN(auto runner, orchestrate::Runner::Open(runner_options));
  orchestrate::TaskRegistry registry;
  orchestrate::RegisterBuiltinTasks(registry);
  MEDALLION_ASSIGN_OR_RETURN(auto spec, orchestrate::FindDag("daily"));
  orchestrate::TrainingSchedule schedule;
  schedule.every_days = flags.train_every_days;
  schedule.anchor_day = end - 1;
  schedule.boost_rounds = flags.boost_rounds;
  schedule.tick_model_from_day = end - 1;
  orchestrate::SetTrainingSchedule(schedule);
  registry.Replace("build_gold_features", [end] { return orchestrate::MakeBuildGoldFeaturesThroughTask(end - 1); });
  MEDALLION_ASSIGN_OR_RETURN(auto backfill_dag, orchestrate::BuildDag(spec, registry));
  int failed_dates = 0;
  TaskTimes task_times;
  for (int32_t day = first; day < end && !g_stop_demo.load(); ++day) {
    printer.SetPhase(fmt::format("backfill {} {}/{}", ingest::FormatDate(day), day - first + 1, flags.history_days));
    MEDALLION_ASSIGN_OR_RETURN(auto run, runner->RunDag(backfill_dag, ingest::FormatDate(day)));
    if (!run.ok()) ++failed_dates;
    ReportDagRun(printer, run);
    task_times.Add(runner->store(), run);
  }
  printer.Say(fmt::format("backfill {} dates: {}, {} failed; runs: medallion dag status --lake {}", flags.history_days,
                          FormatPhaseTime(phases.Lap()), failed_dates, lake));
  printer.Say(fmt::format("  by task: {}", task_times.Describe(spec)));
  if (!g_stop_demo.load()) {
    printer.Say(fmt::format("ready after {}: {}, {}, dashboard {}", FormatPhaseTime(phases.Total()),
                            DescribeChampion(lake), DescribeForecasts(lake, ingest::FormatDate(end - 1)),
                            dashboard_url));
  }

  // 4. Live, until stopped.
  orchestrate::AcceleratedClock clock(end, flags.day_seconds);
  LiveOptions live_options;
  live_options.lake = lake;
  live_options.today = [&clock] { return SimulatedToday(clock); };
  live_options.first_dag_day = end;
  live_options.on_dag_run = [&printer](const orchestrate::DagRunOutcome& run) { ReportDagRun(printer, run); };
  // Live, the stream owns Silver: the DAG's first task waits for it instead
  // of racing it for the same txn.
  registry.Replace("bronze_to_silver", [] { return orchestrate::MakeAwaitStreamedSilverTask(); });
  registry.Replace("build_gold_features", [] { return orchestrate::MakeBuildGoldFeaturesTask(); });
  MEDALLION_ASSIGN_OR_RETURN(auto live_dag, orchestrate::BuildDag(spec, registry));
  LivePipeline live(live_options, *runner, live_dag);
  if (!g_stop_demo.load() && !TimeIsUp(flags, started)) live.Start();
  // Live events follow simulated time: as many per simulated day as the
  // history's last day had, while the clock runs accelerated and once it has
  // reached the present and runs in real time. (Paced by wall time, the
  // accelerated rate went on past the catch-up: a day's worth of events
  // every --day-seconds, all on today's date, a spike in every daily chart.)
  const double per_day = static_cast<double>(std::max<int64_t>(feed->OrderEventsOn(end - 1), 1));
  const int64_t live_from_ms = SimulatedNowMillis(clock);
  const auto live_started = Clock::now();
  bool first_minute_reported = false;
  int64_t live_sent = 0;
  Status feed_status;
  while (!g_stop_demo.load() && !TimeIsUp(flags, started) && feed_status.ok()) {
    const int32_t today = SimulatedToday(clock);
    printer.SetPhase(fmt::format("live {}{}", ingest::FormatDate(today),
                                 today < ingest::TodayUtc() ? " (catching up, accelerated)" : ""));
    const double simulated_days = static_cast<double>(SimulatedNowMillis(clock) - live_from_ms) /
                                  orchestrate::AcceleratedClock::kDayMillis;
    const auto due = static_cast<int64_t>(simulated_days * per_day);
    if (!first_minute_reported && Clock::now() - live_started >= std::chrono::minutes(1)) {
      first_minute_reported = true;
      printer.Say(fmt::format("live first minute: {}, {} events sent, daily DAG done through {}",
                              FormatPhaseTime(phases.Lap()), GroupDigits(live_sent),
                              ingest::FormatDate(live.next_dag_day() - 1)));
    }
    while (live_sent < due && feed_status.ok() && !g_stop_demo.load()) {
      feed_status = feed->SendLive(SimulatedNowMillis(clock), g_stop_demo);
      ++live_sent;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }

  // Shutdown: flush the producer, let ingest commit what it holds, stop.
  printer.SetPhase("stopping");
  Status st = feed_status;
  if (auto flushed = feed->Flush(); st.ok()) st = flushed;
  if (!g_stop_demo.load()) (void)WaitForBronze(*status, *feed, std::chrono::seconds(30));
  live.Stop();
  for (auto& worker : workers) {
    if (auto stopped = worker->Stop(); st.ok()) st = stopped;
  }
  server->Stop();
  printer.Finish();
  return st;
}

}  // namespace

void AddDemoCommands(CLI::App& app, CommandContext& ctx) {
  auto flags = std::make_shared<DemoFlags>();
  auto* cmd = app.add_subcommand(
      "demo", "The whole pipeline in one process: embedded Kafka, history, daily DAG backfill, then live with the API");
  cmd->add_option("--lake", flags->lake, "Lake root: a directory or s3://bucket/prefix")->capture_default_str();
  cmd->add_option("--history-days", flags->history_days, "Days of past events to generate first")
      ->capture_default_str();
  cmd->add_option("--day-seconds", flags->day_seconds, "Live: wall seconds per simulated day")->capture_default_str();
  cmd->add_option("--duration", flags->duration,
                  "Stop after this many seconds from the start, once the history is backfilled (0: until Ctrl-C)")
      ->capture_default_str();
  cmd->add_option("--port", flags->port, "API and dashboard port (0 or 'free': any free port)")->capture_default_str();
  cmd->add_option("--bind", flags->bind, "API and dashboard address")->capture_default_str();
  cmd->add_option("--kafka", flags->kafka, "host:port of a real Kafka cluster instead of the embedded one");
  cmd->add_option("--static-dir", flags->static_dir, "Dashboard files (default: web/dist of the checkout)");
  cmd->add_option("--runs-dir", flags->runs_dir, "Local run history (default <lake>/_runs)");
  cmd->add_option("--train-every-days", flags->train_every_days,
                  "Train every N days of the backfill and live phase, counted back from the last history day")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--boost-rounds", flags->boost_rounds,
                  "XGBoost rounds per training (0: the model's default 300; fewer train faster)")
      ->capture_default_str();
  cmd->add_option("--products", flags->feed.products, "Products in the catalogue")->capture_default_str();
  cmd->add_option("--daily-units", flags->feed.daily_units, "Rough units sold per day over all products")
      ->capture_default_str();
  cmd->add_option("--seed", flags->feed.seed, "Generator seed")->capture_default_str();
  cmd->add_option("--bad-fraction", flags->feed.bad_fraction,
                  "Share of malformed orders mixed in (they land in silver/orders_quarantine)")
      ->check(CLI::Range(0.0, 0.5))
      ->capture_default_str();
  cmd->callback([flags, &ctx] { ctx.run = [flags, &ctx] { return Guarded([&] { return RunDemo(*flags, ctx); })(); }; });
}

}  // namespace medallion::cli
