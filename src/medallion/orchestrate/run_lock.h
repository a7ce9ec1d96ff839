// Who is running (dag, logical date) right now. An flock() on
// <runs>/locks/<dag>/<date>.lock, held for as long as the date's work runs.
//
// The kernel drops the lock when its process dies, however it dies (kill -9
// included). So whoever takes the lock and finds rows still `running` in the
// run history knows their process is gone, and may mark them failed and run
// them again: that is how a killed backfill resumes. PIDs alone could not say
// this safely (they are reused).
#pragma once

#include <memory>
#include <string>

#include "medallion/common/result.h"

namespace medallion::orchestrate {

class RunLock {
 public:
  // Takes the lock without waiting; Conflict naming the DAG and date if
  // another process holds it.
  static Result<std::unique_ptr<RunLock>> TryAcquire(const std::string& runs_dir, const std::string& dag,
                                                     const std::string& logical_date);
  ~RunLock();
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;

 private:
  explicit RunLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace medallion::orchestrate
