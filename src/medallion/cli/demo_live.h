// The demo's live half after the history: transform::StreamRunner keeps
// Silver and Gold current (what `medallion stream` runs), and the daily DAG
// runs for every simulated day that ends, in order, on its own thread (a long
// training run delays the next day's DAG; it never overlaps it).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "medallion/orchestrate/dag.h"
#include "medallion/orchestrate/runner.h"

namespace medallion::cli {

struct LiveOptions {
  std::string lake;
  int64_t trigger_ms = 1000;
  std::function<int32_t()> today;  // the simulated day
  int32_t first_dag_day = 0;       // first day the DAG runs for once it has ended
  // Called after each DAG run (the demo prints failures).
  std::function<void(const orchestrate::DagRunOutcome&)> on_dag_run;
};

class LivePipeline {
 public:
  LivePipeline(LiveOptions options, orchestrate::Runner& runner, const orchestrate::Dag& dag);
  ~LivePipeline();

  void Start();
  // Lets a running DAG finish, then joins both threads.
  void Stop();

  int32_t next_dag_day() const { return next_dag_day_.load(); }

 private:
  void StreamLoop();
  void DagLoop();
  void SleepFor(std::chrono::milliseconds duration);

  LiveOptions options_;
  orchestrate::Runner& runner_;
  const orchestrate::Dag& dag_;
  std::atomic<bool> stop_{false};
  std::atomic<int32_t> next_dag_day_;
  std::thread stream_, dags_;
};

}  // namespace medallion::cli
