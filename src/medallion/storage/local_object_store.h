// ObjectStore over a local directory. Objects are plain files under the root,
// so Spark, delta-rs or DuckDB can read a local lake directly.
//
// Atomicity comes from the filesystem: every write goes to a temporary file
// in the target's directory, is fsync'ed, and is then renamed into place
// (Write) or renamed only if the name is still free (WriteIfAbsent, with
// renameat2(RENAME_NOREPLACE), or link()+unlink() where the filesystem does
// not support that flag). Either way readers see the old object, no object,
// or the whole new object, never a prefix of it.
//
// Thread-safe, and safe across processes sharing the directory.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "medallion/storage/object_store.h"

namespace medallion::storage {

struct LocalObjectStoreOptions {
  // Tests turn this off to exercise the link()+unlink() fallback that
  // filesystems without RENAME_NOREPLACE (some network filesystems) take.
  bool use_rename_noreplace = true;
};

class LocalObjectStore final : public ObjectStore {
 public:
  // `root` must be an absolute directory; it is created on first write.
  explicit LocalObjectStore(std::string root, LocalObjectStoreOptions options = {});

  const std::string& root_uri() const override { return root_uri_; }
  const std::string& root_directory() const { return root_; }

  Result<std::string> Read(const std::string& path) override;
  Status Write(const std::string& path, std::string_view data) override;
  Status WriteIfAbsent(const std::string& path, std::string_view data) override;
  Result<std::vector<ObjectInfo>> List(const std::string& dir, const std::string& start_after = "") override;
  Result<std::vector<ObjectInfo>> ListRecursive(const std::string& dir) override;
  Result<ObjectInfo> Stat(const std::string& path) override;
  Status Delete(const std::string& path) override;

  std::shared_ptr<arrow::fs::FileSystem> arrow_filesystem() const override;
  std::string ArrowPath(const std::string& path) const override;

  // Temporary files start with this; listings never show them.
  static constexpr std::string_view kTempPrefix = ".medallion-tmp.";

 private:
  std::string AbsolutePath(std::string_view path) const;
  // Writes `data` to a fresh fsync'ed temporary file next to `target`.
  Result<std::string> WriteTempFile(const std::string& target, std::string_view data);
  Status PublishIfAbsent(const std::string& temp, const std::string& target, const std::string& path);
  Result<std::vector<ObjectInfo>> ListUnder(const std::string& dir, bool recursive, const std::string& start_after = "");

  std::string root_;
  std::string root_uri_;
  LocalObjectStoreOptions options_;
  std::shared_ptr<arrow::fs::FileSystem> arrow_fs_;
};

}  // namespace medallion::storage
