#include "medallion/cli/demo_live.h"

#include <spdlog/spdlog.h>

#include "medallion/ingest/calendar.h"
#include "medallion/orchestrate/lake_layout.h"
#include "medallion/transform/stream_runner.h"

namespace medallion::cli {

LivePipeline::LivePipeline(LiveOptions options, orchestrate::Runner& runner, const orchestrate::Dag& dag)
    : options_(std::move(options)), runner_(runner), dag_(dag), next_dag_day_(options_.first_dag_day) {}

LivePipeline::~LivePipeline() { Stop(); }

void LivePipeline::Start() {
  stream_ = std::thread([this] { StreamLoop(); });
  dags_ = std::thread([this] { DagLoop(); });
}

void LivePipeline::Stop() {
  stop_.store(true);
  if (stream_.joinable()) stream_.join();
  if (dags_.joinable()) dags_.join();
}

void LivePipeline::SleepFor(std::chrono::milliseconds duration) {
  const auto until = std::chrono::steady_clock::now() + duration;
  while (!stop_.load() && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

void LivePipeline::StreamLoop() {
  while (!stop_.load()) {
    transform::StreamOptions options;
    options.lake_uri = options_.lake;
    options.trigger_interval_ms = options_.trigger_ms;
    auto suite = orchestrate::FindQualitySuite("orders");
    if (suite.ok()) options.orders_suite_path = *suite;
    auto runner = transform::StreamRunner::Open(options);
    Status st = runner.ok() ? (*runner)->Start() : runner.status();
    while (st.ok() && !stop_.load() && (*runner)->running()) SleepFor(std::chrono::milliseconds(200));
    if (st.ok()) st = (*runner)->Stop();
    // The DAG's bronze_to_silver runs the same Silver jobs: whichever commits
    // a batch second loses on the txn guard. The stream stops on such an
    // error; a fresh one resumes from the tables' txns.
    if (!st.ok() && !stop_.load()) {
      spdlog::debug("live stream: {} (restarting)", st.ToString());
      SleepFor(std::chrono::milliseconds(1000));
    }
  }
}

void LivePipeline::DagLoop() {
  while (!stop_.load()) {
    const int32_t day = next_dag_day_.load();
    if (options_.today() <= day) {
      SleepFor(std::chrono::milliseconds(200));
      continue;
    }
    auto run = runner_.RunDag(dag_, ingest::FormatDate(day));
    if (!run.ok()) {
      spdlog::warn("daily dag {}: {}", ingest::FormatDate(day), run.status().ToString());
    } else if (options_.on_dag_run) {
      options_.on_dag_run(*run);
    }
    next_dag_day_.store(day + 1);
  }
}

}  // namespace medallion::cli
