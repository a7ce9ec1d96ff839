#include "medallion/storage/local_object_store.h"

#include <arrow/filesystem/localfs.h>
#include <fcntl.h>
#include <stdio.h>  // renameat2, RENAME_NOREPLACE (glibc >= 2.28 with _GNU_SOURCE)
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>
#include <system_error>

#include "medallion/storage/object_path.h"

namespace medallion::storage {
namespace {

namespace fs = std::filesystem;

Status ErrnoStatus(std::string_view operation, const std::string& file, int err) {
  std::string message = std::string(operation) + " " + file + ": " + std::strerror(err);
  switch (err) {
    case ENOENT:
      return Status::NotFound(std::move(message));
    case EEXIST:
      return Status::AlreadyExists(std::move(message));
    case EACCES:
    case EPERM:
      return Status::PermissionDenied(std::move(message));
    default:
      return Status::IOError(std::move(message));
  }
}

int64_t MtimeMillis(const struct stat& st) {
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
}

std::string ParentOf(const std::string& file) {
  size_t slash = file.rfind('/');
  return slash == 0 ? std::string("/") : file.substr(0, slash);
}

std::string BaseName(const std::string& file) { return file.substr(file.rfind('/') + 1); }

// Unique among threads (counter), processes (pid) and hosts sharing a
// network filesystem (random); O_EXCL settles any remaining collision.
std::string TempFileName(const std::string& target) {
  static std::atomic<uint64_t> counter{0};
  thread_local std::mt19937_64 random{std::random_device{}()};
  return ParentOf(target) + "/" + std::string(LocalObjectStore::kTempPrefix) + BaseName(target) + "." +
         std::to_string(::getpid()) + "." + std::to_string(counter.fetch_add(1)) + "." +
         std::to_string(random() % 1000000000);
}

Status WriteAll(int fd, std::string_view data, const std::string& file) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("write", file, errno);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::OK();
}

// Makes a rename durable: the new directory entry survives a crash only once
// the directory itself is synced.
Status SyncDirectory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus("open directory", dir, errno);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) return ErrnoStatus("fsync directory", dir, err);
  return Status::OK();
}

Result<ObjectInfo> StatFile(const std::string& file, std::string relative) {
  struct stat st;
  if (::stat(file.c_str(), &st) != 0) return ErrnoStatus("stat", file, errno);
  if (!S_ISREG(st.st_mode)) return Status::NotFound(file + " is not a file");
  return ObjectInfo{std::move(relative), static_cast<int64_t>(st.st_size), MtimeMillis(st)};
}

// Visits every entry below `dir`; a missing directory has no entries.
template <typename DirectoryIterator, typename Visit>
Status Walk(const std::string& dir, Visit&& visit) {
  std::error_code ec;
  DirectoryIterator it(dir, ec);
  if (ec == std::errc::no_such_file_or_directory || ec == std::errc::not_a_directory) return Status::OK();
  while (!ec && it != DirectoryIterator()) {
    MEDALLION_RETURN_IF_ERROR(visit(*it));
    it.increment(ec);
  }
  if (ec) return Status::IOError("list " + dir + ": " + ec.message());
  return Status::OK();
}

}  // namespace

LocalObjectStore::LocalObjectStore(std::string root, LocalObjectStoreOptions options)
    : root_(std::move(root)), options_(options), arrow_fs_(std::make_shared<arrow::fs::LocalFileSystem>()) {
  while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
  root_uri_ = "file://" + root_;
}

std::string LocalObjectStore::AbsolutePath(std::string_view path) const { return JoinPath(root_, path); }

Result<std::string> LocalObjectStore::Read(const std::string& path) {
  MEDALLION_RETURN_IF_ERROR(ValidateObjectPath(path));
  const std::string file = AbsolutePath(path);
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus("open", file, errno);
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::NotFound(file + " is not a file");
  }
  std::string data;
  data.reserve(static_cast<size_t>(st.st_size));
  char buffer[1 << 16];
  while (true) {
    ssize_t n = ::read(fd, buffer, sizeof(buffer));
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return ErrnoStatus("read", file, err);
    }
    if (n == 0) break;
    data.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  return data;
}

Result<std::string> LocalObjectStore::WriteTempFile(const std::string& target, std::string_view data) {
  const std::string parent = ParentOf(target);
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec) return Status::IOError("create directory " + parent + ": " + ec.message());

  std::string temp;
  int fd = -1;
  for (int attempt = 0; fd < 0; ++attempt) {
    temp = TempFileName(target);
    // 0666 minus the umask, like any other file the user creates.
    fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && (errno != EEXIST || attempt == 10)) return ErrnoStatus("create", temp, errno);
  }
  Status status = WriteAll(fd, data, temp);
  if (status.ok() && ::fsync(fd) != 0) status = ErrnoStatus("fsync", temp, errno);
  if (::close(fd) != 0 && status.ok()) status = ErrnoStatus("close", temp, errno);
  if (!status.ok()) {
    ::unlink(temp.c_str());
    return status;
  }
  return temp;
}

Status LocalObjectStore::Write(const std::string& path, std::string_view data) {
  MEDALLION_RETURN_IF_ERROR(ValidateObjectPath(path));
  const std::string target = AbsolutePath(path);
  MEDALLION_ASSIGN_OR_RETURN(std::string temp, WriteTempFile(target, data));
  if (::rename(temp.c_str(), target.c_str()) != 0) {
    int err = errno;
    ::unlink(temp.c_str());
    return ErrnoStatus("rename into", target, err);
  }
  return SyncDirectory(ParentOf(target));
}

Status LocalObjectStore::WriteIfAbsent(const std::string& path, std::string_view data) {
  MEDALLION_RETURN_IF_ERROR(ValidateObjectPath(path));
  const std::string target = AbsolutePath(path);
  MEDALLION_ASSIGN_OR_RETURN(std::string temp, WriteTempFile(target, data));
  Status published = PublishIfAbsent(temp, target, path);
  ::unlink(temp.c_str());  // ENOENT after a successful rename: nothing to do
  MEDALLION_RETURN_IF_ERROR(published);
  return SyncDirectory(ParentOf(target));
}

Status LocalObjectStore::PublishIfAbsent(const std::string& temp, const std::string& target,
                                         const std::string& path) {
  auto already_exists = [&] { return Status::AlreadyExists("object " + path + " already exists at " + target); };
  if (options_.use_rename_noreplace) {
    if (::renameat2(AT_FDCWD, temp.c_str(), AT_FDCWD, target.c_str(), RENAME_NOREPLACE) == 0) return Status::OK();
    if (errno == EEXIST) return already_exists();
    // EINVAL/ENOSYS: this filesystem or kernel cannot do it; link() can.
    if (errno != EINVAL && errno != ENOSYS) return ErrnoStatus("rename (no-replace) into", target, errno);
  }
  // link() fails with EEXIST if the name is taken, atomically, on every POSIX
  // filesystem; the caller then drops the temporary name.
  if (::link(temp.c_str(), target.c_str()) == 0) return Status::OK();
  if (errno == EEXIST) return already_exists();
  return ErrnoStatus("link into", target, errno);
}

Result<std::vector<ObjectInfo>> LocalObjectStore::ListUnder(const std::string& dir, bool recursive,
                                                             const std::string& start_after) {
  const std::string abs_dir = dir.empty() ? root_ : AbsolutePath(dir);
  std::vector<ObjectInfo> objects;
  auto add = [&](const fs::directory_entry& entry) -> Status {
    const std::string file = entry.path().string();
    if (BaseName(file).starts_with(kTempPrefix)) return Status::OK();
    std::string relative = file.substr(root_.size() + (root_ == "/" ? 0 : 1));
    // Filter by name before stat(): tailing a long _delta_log from a
    // checkpoint must not cost one stat per old commit.
    if (!start_after.empty() && relative <= start_after) return Status::OK();
    std::error_code type_ec;
    if (!entry.is_regular_file(type_ec)) return Status::OK();
    auto info = StatFile(file, std::move(relative));
    if (info.ok()) {
      objects.push_back(std::move(info).value());
    } else if (!info.status().IsNotFound()) {  // deleted while listing: skip it
      return info.status();
    }
    return Status::OK();
  };
  MEDALLION_RETURN_IF_ERROR(recursive ? Walk<fs::recursive_directory_iterator>(abs_dir, add)
                                      : Walk<fs::directory_iterator>(abs_dir, add));
  std::sort(objects.begin(), objects.end(), [](const ObjectInfo& a, const ObjectInfo& b) { return a.path < b.path; });
  return objects;
}

Result<std::vector<ObjectInfo>> LocalObjectStore::List(const std::string& dir, const std::string& start_after) {
  MEDALLION_ASSIGN_OR_RETURN(std::string normalized, NormalizeDirectory(dir));
  return ListUnder(normalized, /*recursive=*/false, start_after);
}

Result<std::vector<ObjectInfo>> LocalObjectStore::ListRecursive(const std::string& dir) {
  MEDALLION_ASSIGN_OR_RETURN(std::string normalized, NormalizeDirectory(dir));
  return ListUnder(normalized, /*recursive=*/true);
}

Result<ObjectInfo> LocalObjectStore::Stat(const std::string& path) {
  MEDALLION_RETURN_IF_ERROR(ValidateObjectPath(path));
  return StatFile(AbsolutePath(path), path);
}

Status LocalObjectStore::Delete(const std::string& path) {
  MEDALLION_RETURN_IF_ERROR(ValidateObjectPath(path));
  const std::string file = AbsolutePath(path);
  if (::unlink(file.c_str()) != 0 && errno != ENOENT) return ErrnoStatus("delete", file, errno);
  return Status::OK();
}

std::shared_ptr<arrow::fs::FileSystem> LocalObjectStore::arrow_filesystem() const { return arrow_fs_; }

std::string LocalObjectStore::ArrowPath(const std::string& path) const { return AbsolutePath(path); }

}  // namespace medallion::storage
