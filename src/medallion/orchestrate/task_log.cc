#include "medallion/orchestrate/task_log.h"

#include <fmt/chrono.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <memory>

#include "medallion/common/logging.h"

namespace medallion::orchestrate {

Result<std::unique_ptr<TaskLog>> TaskLog::Open(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  if (ec) return Status::IOError(fmt::format("cannot create the log directory for {}: {}", path, ec.message()));
  std::FILE* file = std::fopen(path.c_str(), "a");
  if (file == nullptr) return Status::IOError(fmt::format("cannot open task log {}: {}", path, std::strerror(errno)));
  auto log = std::make_unique<TaskLog>();
  log->file_ = file;
  log->path_ = path;
  return log;
}

TaskLog::~TaskLog() {
  if (file_ != nullptr) std::fclose(file_);
}

void TaskLog::Write(std::string_view line) {
  if (file_ == nullptr) return;
  auto now = std::chrono::system_clock::now();
  auto seconds = std::chrono::floor<std::chrono::seconds>(now);
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now - seconds).count();
  std::string text = fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03d}Z {}\n", std::chrono::sys_seconds(seconds), millis,
                                 RedactSecrets(line));
  std::lock_guard lock(mu_);
  std::fwrite(text.data(), 1, text.size(), file_);
  // Flushed per line: a task killed with -9 still leaves the lines before it.
  std::fflush(file_);
}

}  // namespace medallion::orchestrate
