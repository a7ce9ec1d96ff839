#include "medallion/orchestrate/cancellation.h"

namespace medallion::orchestrate {

CancellationToken::CancellationToken() : state_(std::make_shared<State>()) {}

void CancellationToken::Cancel(std::string reason) {
  {
    std::lock_guard lock(state_->mu);
    if (state_->cancelled) return;
    state_->cancelled = true;
    state_->reason = std::move(reason);
  }
  state_->cv.notify_all();
}

bool CancellationToken::cancelled() const {
  std::lock_guard lock(state_->mu);
  return state_->cancelled;
}

std::string CancellationToken::reason() const {
  std::lock_guard lock(state_->mu);
  return state_->reason;
}

Status CancellationToken::Check() const {
  std::lock_guard lock(state_->mu);
  return state_->cancelled ? Status::Cancelled(state_->reason) : Status::OK();
}

bool CancellationToken::WaitFor(std::chrono::milliseconds duration) const {
  std::unique_lock lock(state_->mu);
  return !state_->cv.wait_for(lock, duration, [this] { return state_->cancelled; });
}

}  // namespace medallion::orchestrate
