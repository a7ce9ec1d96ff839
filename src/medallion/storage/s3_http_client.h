// The few S3 requests that Arrow's S3FileSystem cannot express, above all the
// conditional PUT (`If-None-Match: *`) that makes Delta commits atomic on S3.
// Requests are signed by libcurl (CURLOPT_AWS_SIGV4), not by hand.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "medallion/common/result.h"
#include "medallion/storage/object_store.h"

namespace medallion::storage {

// Where requests go, from S3Options::endpoint_url ("http://127.0.0.1:9000")
// or, when that is empty, AWS's regional endpoint.
struct S3Endpoint {
  std::string scheme;     // "http" or "https"
  std::string host_port;  // "127.0.0.1:9000", "s3.eu-west-1.amazonaws.com"
};
S3Endpoint ResolveS3Endpoint(const S3Options& options);

struct S3Response {
  long http_status = 0;
  std::string body;
  // The S3 error code from an XML error body ("PreconditionFailed"), if any.
  std::string error_code;
};

class S3HttpClient {
 public:
  // `options` must already be complete (FillFromEnvironment done).
  S3HttpClient(S3Options options, std::string bucket);

  // One signed request on object `key` (the full key inside the bucket; ""
  // for the bucket itself), with an optional query string already in
  // canonical order. Transport failures are errors; any HTTP status is a
  // response.
  Result<S3Response> Send(std::string_view method, const std::string& key, std::string_view body = {},
                          const std::vector<std::string>& extra_headers = {}, const std::string& query = "") const;

  // Send, retried with exponential backoff after a transport failure or a
  // 500/502/503/504 (S3's InternalError and SlowDown ask for exactly that).
  // `transient_failures` counts the failed attempts: after one, a write may
  // have been applied even though its answer was lost.
  Result<S3Response> SendWithRetries(std::string_view method, const std::string& key, std::string_view body = {},
                                     const std::vector<std::string>& extra_headers = {},
                                     int* transient_failures = nullptr, const std::string& query = "") const;

  // Tests shorten the waits; attempts counts the first try.
  void set_retry_policy(int attempts, std::chrono::milliseconds first_backoff) {
    attempts_ = attempts;
    first_backoff_ = first_backoff;
  }

  // "http://host:port/bucket/key" (path-style) or "https://bucket.host/key".
  std::string ObjectUrl(const std::string& key) const;
  // "s3://bucket/key", for messages.
  std::string ObjectUri(const std::string& key) const;

  // A Status for a response that is not a success, naming the object and the
  // S3 error; 412 and 409 ConditionalRequestConflict are AlreadyExists.
  Status ErrorStatus(std::string_view method, const std::string& key, const S3Response& response) const;

 private:
  S3Options options_;
  std::string bucket_;
  std::string base_url_;  // scheme://host[:port] (virtual-hosted: bucket.host)
  bool virtual_hosted_ = false;
  int attempts_ = 4;
  std::chrono::milliseconds first_backoff_{100};
};

// "%2F"-style percent-encoding of each '/'-separated segment of an S3 key.
std::string EncodeS3Key(std::string_view key);

// Lower-case hex SHA-256, the value of x-amz-content-sha256.
std::string Sha256Hex(std::string_view data);

}  // namespace medallion::storage
