#include "medallion/storage/s3_object_store.h"

#include <arrow/filesystem/s3fs.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <mutex>

#include "medallion/common/arrow_status.h"
#include "medallion/storage/object_path.h"
#include "medallion/storage/s3_list.h"

namespace medallion::storage {

Status EnsureArrowS3Initialized() {
  static std::once_flag once;
  static arrow::Status status;
  std::call_once(once, [] {
    if (!arrow::fs::IsS3Initialized()) status = arrow::fs::InitializeS3(arrow::fs::S3GlobalOptions::Defaults());
  });
  return FromArrow(status).WithContext("initializing Arrow S3");
}

namespace {

// Registered after the first S3FileSystem exists, on purpose: Arrow builds
// its client finalizer (a function-local static) lazily inside Make(), and
// exit handlers run in reverse registration order, so only a later
// registration runs FinalizeS3 while that finalizer is still alive (an
// earlier one deadlocks on its destroyed mutex).
void FinalizeArrowS3AtExit() {
  static std::once_flag once;
  std::call_once(once, [] { std::atexit([] { (void)arrow::fs::EnsureS3Finalized(); }); });
}

}  // namespace

Result<std::shared_ptr<S3ObjectStore>> S3ObjectStore::Open(const std::string& uri, const S3Options& options) {
  constexpr std::string_view kScheme = "s3://";
  if (!uri.starts_with(kScheme)) return Status::InvalidArgument("not an s3:// URI: '" + uri + "'");
  std::string rest = uri.substr(kScheme.size());
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  const size_t slash = rest.find('/');
  std::string bucket = rest.substr(0, slash);
  std::string prefix = slash == std::string::npos ? "" : rest.substr(slash + 1);
  if (bucket.empty()) return Status::InvalidArgument("S3 URI '" + uri + "' has no bucket");
  if (!prefix.empty()) {
    MEDALLION_RETURN_IF_ERROR(ValidateObjectPath(prefix).WithContext("S3 URI '" + uri + "'"));
  }

  MEDALLION_RETURN_IF_ERROR(EnsureArrowS3Initialized());
  arrow::fs::S3Options arrow_options = arrow::fs::S3Options::Defaults();
  if (!options.access_key.empty()) {
    arrow_options.ConfigureAccessKey(options.access_key, options.secret_key, options.session_token);
  }
  arrow_options.region = options.region.empty() ? "us-east-1" : options.region;
  if (!options.endpoint_url.empty()) {
    S3Endpoint endpoint = ResolveS3Endpoint(options);
    arrow_options.endpoint_override = endpoint.host_port;
    arrow_options.scheme = endpoint.scheme;
  }
  arrow_options.force_virtual_addressing = !options.path_style;
  MEDALLION_ASSIGN_OR_RETURN_ARROW(std::shared_ptr<arrow::fs::S3FileSystem> arrow_fs,
                                   arrow::fs::S3FileSystem::Make(arrow_options));
  FinalizeArrowS3AtExit();
  S3HttpClient http(options, bucket);
  return std::shared_ptr<S3ObjectStore>(
      new S3ObjectStore(std::move(bucket), std::move(prefix), std::move(http), std::move(arrow_fs)));
}

S3ObjectStore::S3ObjectStore(std::string bucket, std::string prefix, S3HttpClient http,
                             std::shared_ptr<arrow::fs::FileSystem> arrow_fs)
    : bucket_(std::move(bucket)), prefix_(std::move(prefix)), http_(std::move(http)), arrow_fs_(std::move(arrow_fs)) {
  root_uri_ = "s3://" + JoinPath(bucket_, prefix_);
}

std::string S3ObjectStore::Key(const std::string& path) const { return JoinPath(prefix_, path); }

Result<std::string> S3ObjectStore::Read(const std::string& path) {
  MEDALLION_RETURN_IF_ERROR(ValidateObjectPath(path));
  const std::string key = Key(path);
  MEDALLION_ASSIGN_OR_RETURN(S3Response response, http_.SendWithRetries("GET", key));
  if (response.http_status != 200) return http_.ErrorStatus("GET", key, response);
  return std::move(response.body);
}

Status S3ObjectStore::Write(const std::string& path, std::string_view data) {
  MEDALLION_RETURN_IF_ERROR(ValidateObjectPath(path));
  const std::string key = Key(path);
  MEDALLION_ASSIGN_OR_RETURN(S3Response response, http_.SendWithRetries("PUT", key, data));
  if (response.http_status != 200) return http_.ErrorStatus("PUT", key, response);
  return Status::OK();
}

Status S3ObjectStore::WriteIfAbsent(const std::string& path, std::string_view data) {
  MEDALLION_RETURN_IF_ERROR(ValidateObjectPath(path));
  const std::string key = Key(path);
  int transient_failures = 0;
  MEDALLION_ASSIGN_OR_RETURN(S3Response response,
                             http_.SendWithRetries("PUT", key, data, {"If-None-Match: *"}, &transient_failures));
  if (response.http_status == 200) return Status::OK();
  Status refused = http_.ErrorStatus("PUT (if absent)", key, response);
  if (refused.IsAlreadyExists() && transient_failures > 0) {
    // An earlier attempt whose answer was lost may have created the object,
    // and then the retry is refused by our own write. The bytes tell: only
    // our write holds exactly our payload (a Delta commit carries its own
    // commitInfo, so two writers' payloads differ).
    Result<std::string> current = Read(path);
    if (current.ok() && *current == data) return Status::OK();
  }
  return refused;
}

Status S3ObjectStore::Delete(const std::string& path) {
  MEDALLION_RETURN_IF_ERROR(ValidateObjectPath(path));
  const std::string key = Key(path);
  MEDALLION_ASSIGN_OR_RETURN(S3Response response, http_.SendWithRetries("DELETE", key));
  // S3 answers 204 whether or not the key existed; some servers say 404 NoSuchKey.
  if (response.http_status == 200 || response.http_status == 204) return Status::OK();
  if (response.http_status == 404 && response.error_code == "NoSuchKey") return Status::OK();
  return http_.ErrorStatus("DELETE", key, response);
}

Result<ObjectInfo> S3ObjectStore::Stat(const std::string& path) {
  MEDALLION_RETURN_IF_ERROR(ValidateObjectPath(path));
  const std::string arrow_path = ArrowPath(path);
  MEDALLION_ASSIGN_OR_RETURN_ARROW(arrow::fs::FileInfo info, arrow_fs_->GetFileInfo(arrow_path));
  if (info.type() != arrow::fs::FileType::File) {
    return Status::NotFound("no S3 object " + http_.ObjectUri(Key(path)));
  }
  auto mtime = std::chrono::duration_cast<std::chrono::milliseconds>(info.mtime().time_since_epoch());
  return ObjectInfo{path, info.size(), mtime.count()};
}

Result<std::vector<ObjectInfo>> S3ObjectStore::ListUnder(const std::string& dir, bool recursive,
                                                         const std::string& start_after) {
  // Keys of this store are "<prefix_>/<relative path>".
  const size_t root_length = prefix_.empty() ? 0 : prefix_.size() + 1;
  const std::string key_prefix = dir.empty() ? (prefix_.empty() ? "" : prefix_ + "/") : Key(dir) + "/";
  const std::string start_key = start_after.empty() ? "" : Key(start_after);
  std::vector<ObjectInfo> objects;
  std::string continuation;
  do {
    const std::string query = ListObjectsV2Query(key_prefix, recursive ? "" : "/",
                                                 continuation.empty() ? start_key : "", continuation, list_page_size_);
    MEDALLION_ASSIGN_OR_RETURN(S3Response response, http_.SendWithRetries("GET", "", {}, {}, nullptr, query));
    if (response.http_status != 200) {
      return http_.ErrorStatus("LIST", key_prefix, response).WithContext("listing " + root_uri_ + "/" + dir);
    }
    MEDALLION_ASSIGN_OR_RETURN(S3ListPage page, ParseListObjectsV2(response.body));
    for (S3ListedObject& object : page.objects) {
      // Zero-byte "dir/" keys are folder markers some tools write, not objects.
      if (object.key.size() <= root_length || object.key.back() == '/') continue;
      objects.push_back(ObjectInfo{object.key.substr(root_length), object.size, object.mtime_ms});
    }
    if (page.truncated && page.next_continuation_token.empty()) {
      return Status::Corruption("S3 listing of " + root_uri_ + "/" + dir + " is truncated without a continuation token");
    }
    continuation = page.truncated ? page.next_continuation_token : "";
  } while (!continuation.empty());
  std::sort(objects.begin(), objects.end(), [](const ObjectInfo& a, const ObjectInfo& b) { return a.path < b.path; });
  return objects;
}

Result<std::vector<ObjectInfo>> S3ObjectStore::List(const std::string& dir, const std::string& start_after) {
  MEDALLION_ASSIGN_OR_RETURN(std::string normalized, NormalizeDirectory(dir));
  MEDALLION_ASSIGN_OR_RETURN(std::vector<ObjectInfo> objects, ListUnder(normalized, /*recursive=*/false, start_after));
  // The server applied start-after already; this keeps the contract with
  // servers that ignore the parameter.
  if (!start_after.empty()) {
    std::erase_if(objects, [&](const ObjectInfo& o) { return o.path <= start_after; });
  }
  return objects;
}

Result<std::vector<ObjectInfo>> S3ObjectStore::ListRecursive(const std::string& dir) {
  MEDALLION_ASSIGN_OR_RETURN(std::string normalized, NormalizeDirectory(dir));
  return ListUnder(normalized, /*recursive=*/true, "");
}

std::shared_ptr<arrow::fs::FileSystem> S3ObjectStore::arrow_filesystem() const { return arrow_fs_; }

std::string S3ObjectStore::ArrowPath(const std::string& path) const {
  return JoinPath(JoinPath(bucket_, prefix_), path);
}

}  // namespace medallion::storage
