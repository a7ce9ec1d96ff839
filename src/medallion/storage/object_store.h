// The storage seam (in the spirit of leveldb::Env): everything medallion
// persists goes through an ObjectStore rooted at a URI, so the Delta engine is
// the same code on a local disk and on S3.
//
// Paths are relative to the root and use '/' ("_delta_log/00000000000000000000.json").
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "medallion/common/result.h"
#include "medallion/common/status.h"

namespace arrow::fs {
class FileSystem;
}

namespace medallion::storage {

struct ObjectInfo {
  std::string path;  // relative to the store root
  int64_t size = 0;
  int64_t mtime_ms = 0;  // last modification, milliseconds since the epoch
};

class ObjectStore {
 public:
  virtual ~ObjectStore() = default;

  // Canonical root: "file:///abs/path" or "s3://bucket/prefix" (no trailing '/').
  virtual const std::string& root_uri() const = 0;

  // The whole object. NotFound if it does not exist.
  virtual Result<std::string> Read(const std::string& path) = 0;

  // Creates or replaces the object; readers never see a partial object.
  virtual Status Write(const std::string& path, std::string_view data) = 0;

  // Creates the object only if no object exists at `path`; AlreadyExists
  // otherwise. Atomic against concurrent writers (this is what makes Delta
  // commits safe): local uses link()/renameat2(RENAME_NOREPLACE), S3 a PUT
  // with `If-None-Match: *`.
  virtual Status WriteIfAbsent(const std::string& path, std::string_view data) = 0;

  // Objects directly under `dir` (not recursive), sorted by path. Only paths
  // greater than `start_after` (a full relative path) are returned. A missing
  // directory is an empty list.
  virtual Result<std::vector<ObjectInfo>> List(const std::string& dir, const std::string& start_after = "") = 0;

  // Every object below `dir` at any depth, sorted by path.
  virtual Result<std::vector<ObjectInfo>> ListRecursive(const std::string& dir) = 0;

  // Info for one object; NotFound if it does not exist.
  virtual Result<ObjectInfo> Stat(const std::string& path) = 0;

  // Removes an object; deleting a missing object is OK.
  virtual Status Delete(const std::string& path) = 0;

  // Arrow's filesystem over the same storage, for streaming Parquet reads and
  // writes of data files, and the path of `path` inside it.
  virtual std::shared_ptr<arrow::fs::FileSystem> arrow_filesystem() const = 0;
  virtual std::string ArrowPath(const std::string& path) const = 0;
};

// S3 connection settings. Unset fields come from the environment like the AWS
// tools: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN,
// AWS_REGION / AWS_DEFAULT_REGION, AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_S3.
struct S3Options {
  std::string endpoint_url;  // "http://127.0.0.1:9000"; empty: AWS
  std::string region;
  std::string access_key;
  std::string secret_key;
  std::string session_token;
  bool path_style = true;  // MinIO and most S3-compatible servers want path-style

  // Fills empty fields from the environment.
  void FillFromEnvironment();
};

// Opens a store for "file:///abs", "/abs", "relative/dir" (made absolute) or
// "s3://bucket/prefix". The local directory is not created until written to.
Result<std::shared_ptr<ObjectStore>> OpenObjectStore(const std::string& uri, S3Options s3 = {});

// "root" joined with "child" using exactly one '/'.
std::string JoinPath(std::string_view root, std::string_view child);

}  // namespace medallion::storage
