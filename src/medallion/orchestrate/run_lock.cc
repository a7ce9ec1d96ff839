#include "medallion/orchestrate/run_lock.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace medallion::orchestrate {

Result<std::unique_ptr<RunLock>> RunLock::TryAcquire(const std::string& runs_dir, const std::string& dag,
                                                     const std::string& logical_date) {
  auto dir = std::filesystem::path(runs_dir) / "locks" / dag;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IOError(fmt::format("cannot create {}: {}", dir.string(), ec.message()));
  auto path = dir / (logical_date + ".lock");
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IOError(fmt::format("cannot open {}: {}", path.string(), std::strerror(errno)));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK) {
      return Status::Conflict(
          fmt::format("dag '{}' for {} is being run by another process (lock {})", dag, logical_date, path.string()));
    }
    return Status::IOError(fmt::format("cannot lock {}: {}", path.string(), std::strerror(err)));
  }
  return std::unique_ptr<RunLock>(new RunLock(fd));
}

RunLock::~RunLock() { ::close(fd_); }

}  // namespace medallion::orchestrate
