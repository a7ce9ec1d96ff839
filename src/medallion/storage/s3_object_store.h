// ObjectStore over an S3 bucket and prefix ("s3://bucket/prefix").
//
// Small whole-object requests (Read, Write, WriteIfAbsent, Delete) are one
// signed HTTP request each through S3HttpClient: one round trip per Delta log
// entry, and the conditional PUT that Arrow cannot send. Listing is
// ListObjectsV2 with start-after, so tailing a log costs one request however
// long the log. Stat and streaming data-file I/O go through Arrow's
// S3FileSystem.
//
// Thread-safe once set up (the set_* knobs are for setup only).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "medallion/storage/object_store.h"
#include "medallion/storage/s3_http_client.h"

namespace medallion::storage {

class S3ObjectStore final : public ObjectStore {
 public:
  // `uri` is "s3://bucket" or "s3://bucket/prefix"; `options` are used as
  // given (call FillFromEnvironment first to honour AWS_* variables).
  static Result<std::shared_ptr<S3ObjectStore>> Open(const std::string& uri, const S3Options& options);

  const std::string& root_uri() const override { return root_uri_; }
  const std::string& bucket() const { return bucket_; }
  const std::string& prefix() const { return prefix_; }

  Result<std::string> Read(const std::string& path) override;
  Status Write(const std::string& path, std::string_view data) override;
  // PUT with `If-None-Match: *`: S3 (since 2024-08) and MinIO reject the PUT
  // with 412 when the key exists, atomically against concurrent PUTs.
  Status WriteIfAbsent(const std::string& path, std::string_view data) override;
  Result<std::vector<ObjectInfo>> List(const std::string& dir, const std::string& start_after = "") override;
  Result<std::vector<ObjectInfo>> ListRecursive(const std::string& dir) override;
  Result<ObjectInfo> Stat(const std::string& path) override;
  Status Delete(const std::string& path) override;

  std::shared_ptr<arrow::fs::FileSystem> arrow_filesystem() const override;
  std::string ArrowPath(const std::string& path) const override;

  // Retries of the whole-object requests (see S3HttpClient::SendWithRetries).
  void set_retry_policy(int attempts, std::chrono::milliseconds first_backoff) {
    http_.set_retry_policy(attempts, first_backoff);
  }
  // Keys per ListObjectsV2 page (S3's default and maximum is 1000); tests
  // use small pages to exercise continuation.
  void set_list_page_size(int keys) { list_page_size_ = keys; }

 private:
  S3ObjectStore(std::string bucket, std::string prefix, S3HttpClient http,
                std::shared_ptr<arrow::fs::FileSystem> arrow_fs);

  std::string Key(const std::string& path) const;  // prefix/path
  // Objects whose keys start with `dir`/ (direct children only unless
  // `recursive`) and sort after `start_after`, via paged ListObjectsV2.
  Result<std::vector<ObjectInfo>> ListUnder(const std::string& dir, bool recursive, const std::string& start_after);

  std::string bucket_;
  std::string prefix_;  // no leading or trailing '/'; may be empty
  std::string root_uri_;
  S3HttpClient http_;
  std::shared_ptr<arrow::fs::FileSystem> arrow_fs_;
  int list_page_size_ = 0;  // 0: the server's default
};

// Initializes Arrow's S3 support once per process and arranges for
// arrow::fs::FinalizeS3 to run at exit (without it the AWS SDK crashes or
// warns during static destruction). Thread-safe.
Status EnsureArrowS3Initialized();

}  // namespace medallion::storage
