// Cooperative cancellation. A task cannot be killed safely from another
// thread (it may hold a half-written file or a Delta transaction), so the
// runner asks it to stop: long tasks check cancelled() between steps, and
// sleep with WaitFor() so a timeout wakes them at once.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>

#include "medallion/common/status.h"

namespace medallion::orchestrate {

class CancellationToken {
 public:
  CancellationToken();

  // Requests a stop; the first reason wins. Safe from any thread.
  void Cancel(std::string reason);

  bool cancelled() const;
  std::string reason() const;

  // Cancelled("<reason>") once cancelled, OK otherwise: `MEDALLION_RETURN_IF_ERROR(ctx.cancel.Check())`.
  Status Check() const;

  // Sleeps up to `duration`; returns false early if cancelled.
  bool WaitFor(std::chrono::milliseconds duration) const;

 private:
  // Shared so a copy handed to a task thread outlives the runner's frame if a
  // task ignores cancellation and has to be abandoned.
  struct State {
    mutable std::mutex mu;
    mutable std::condition_variable cv;
    bool cancelled = false;
    std::string reason;
  };
  std::shared_ptr<State> state_;
};

}  // namespace medallion::orchestrate
