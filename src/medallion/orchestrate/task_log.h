// The log of one try of one task instance: a plain text file per try
// (<runs>/logs/<dag>/<task>/<date>/try-<n>.log), like Airflow's, so a failed
// try can be read after the fact. Lines are timestamped and pass through
// RedactSecrets(): a task that logs a DSN must not leave its password on disk.
#pragma once

#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "medallion/common/result.h"

namespace medallion::orchestrate {

class TaskLog {
 public:
  // Creates the parent directories and opens `path` for appending.
  static Result<std::unique_ptr<TaskLog>> Open(const std::string& path);
  // A log that keeps nothing (tests that do not care about log files).
  TaskLog() = default;
  ~TaskLog();
  TaskLog(const TaskLog&) = delete;
  TaskLog& operator=(const TaskLog&) = delete;

  // Thread-safe: a task may log from its own worker threads.
  void Write(std::string_view line);

  template <typename... Args>
  void Info(fmt::format_string<Args...> format, Args&&... args) {
    Write(fmt::format(format, std::forward<Args>(args)...));
  }

  const std::string& path() const { return path_; }

 private:
  std::mutex mu_;
  std::FILE* file_ = nullptr;
  std::string path_;
};

}  // namespace medallion::orchestrate
