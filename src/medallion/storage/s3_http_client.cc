#include "medallion/storage/s3_http_client.h"

#include <curl/curl.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <memory>
#include <mutex>
#include <random>
#include <thread>

namespace medallion::storage {
namespace {

void EnsureCurlInitialized() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t ReadRequestBody(char* buffer, size_t size, size_t count, void* userdata) {
  auto* remaining = static_cast<std::string_view*>(userdata);
  size_t n = std::min(size * count, remaining->size());
  std::memcpy(buffer, remaining->data(), n);
  remaining->remove_prefix(n);
  return n;
}

size_t AppendResponseBody(char* data, size_t size, size_t count, void* userdata) {
  static_cast<std::string*>(userdata)->append(data, size * count);
  return size * count;
}

// The text of the first <name>...</name> in an S3 XML error body. Error
// bodies are flat and small; this is not a general XML reader.
std::string XmlElement(const std::string& xml, std::string_view name) {
  const std::string open = "<" + std::string(name) + ">";
  const std::string close = "</" + std::string(name) + ">";
  size_t begin = xml.find(open);
  if (begin == std::string::npos) return "";
  begin += open.size();
  size_t end = xml.find(close, begin);
  return end == std::string::npos ? "" : xml.substr(begin, end - begin);
}

using CurlHandle = std::unique_ptr<CURL, decltype(&curl_easy_cleanup)>;
using CurlHeaders = std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)>;

}  // namespace

S3Endpoint ResolveS3Endpoint(const S3Options& options) {
  if (options.endpoint_url.empty()) {
    const std::string region = options.region.empty() ? "us-east-1" : options.region;
    return {"https", "s3." + region + ".amazonaws.com"};
  }
  std::string url = options.endpoint_url;
  S3Endpoint endpoint{"https", ""};
  if (size_t sep = url.find("://"); sep != std::string::npos) {
    endpoint.scheme = url.substr(0, sep);
    url = url.substr(sep + 3);
  }
  endpoint.host_port = url.substr(0, url.find('/'));
  return endpoint;
}

std::string EncodeS3Key(std::string_view key) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(key.size());
  for (unsigned char c : key) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '/') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xF];
  }
  return out;
}

S3HttpClient::S3HttpClient(S3Options options, std::string bucket)
    : options_(std::move(options)), bucket_(std::move(bucket)) {
  S3Endpoint endpoint = ResolveS3Endpoint(options_);
  virtual_hosted_ = !options_.path_style;
  base_url_ = endpoint.scheme + "://" + (virtual_hosted_ ? bucket_ + "." : "") + endpoint.host_port;
}

std::string S3HttpClient::ObjectUrl(const std::string& key) const {
  if (virtual_hosted_) return base_url_ + "/" + EncodeS3Key(key);
  return base_url_ + "/" + bucket_ + (key.empty() ? "" : "/" + EncodeS3Key(key));
}

std::string S3HttpClient::ObjectUri(const std::string& key) const { return "s3://" + bucket_ + "/" + key; }

Result<S3Response> S3HttpClient::Send(std::string_view method, const std::string& key, std::string_view body,
                                      const std::vector<std::string>& extra_headers, const std::string& query) const {
  EnsureCurlInitialized();
  // One handle per thread, reset between requests: reset keeps the
  // connection cache, so a burst of log reads reuses one TCP/TLS connection.
  thread_local CurlHandle curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) return Status::Internal("curl_easy_init failed");
  curl_easy_reset(curl.get());

  // The payload hash is signed, so S3 rejects a body damaged in transit even
  // over plain http (curl uses this header's value in the signature).
  // (No "Expect:" override to skip 100-continue: curl 7.88 would sign the
  // removed header and S3 would reject the signature.)
  std::vector<std::string> header_lines = {"x-amz-content-sha256: " + Sha256Hex(body)};
  if (!options_.session_token.empty()) header_lines.push_back("x-amz-security-token: " + options_.session_token);
  header_lines.insert(header_lines.end(), extra_headers.begin(), extra_headers.end());
  CurlHeaders headers(nullptr, &curl_slist_free_all);
  for (const std::string& line : header_lines) {
    curl_slist* appended = curl_slist_append(headers.get(), line.c_str());
    if (!appended) return Status::Internal("curl_slist_append failed");
    headers.release();
    headers.reset(appended);
  }

  const std::string method_name(method);
  const std::string url = ObjectUrl(key) + (query.empty() ? "" : "?" + query);
  const std::string sigv4 = "aws:amz:" + (options_.region.empty() ? std::string("us-east-1") : options_.region) + ":s3";
  S3Response response;
  std::string_view upload = body;
  char error_buffer[CURL_ERROR_SIZE] = {0};
  CURL* h = curl.get();
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  if (!options_.access_key.empty()) {
    curl_easy_setopt(h, CURLOPT_AWS_SIGV4, sigv4.c_str());
    curl_easy_setopt(h, CURLOPT_USERNAME, options_.access_key.c_str());
    curl_easy_setopt(h, CURLOPT_PASSWORD, options_.secret_key.c_str());
  }
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
  // Abort a stalled transfer rather than hang a commit forever.
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 60L);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &AppendResponseBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &response.body);
  if (method == "PUT") {
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, &ReadRequestBody);
    curl_easy_setopt(h, CURLOPT_READDATA, &upload);
    curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(body.size()));
  } else if (method == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else if (method != "GET") {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method_name.c_str());
  }
  CURLcode rc = curl_easy_perform(h);
  if (rc != CURLE_OK) {
    return Status::IOError("S3 " + method_name + " " + ObjectUri(key) + " at " + url + ": " +
                           (error_buffer[0] ? error_buffer : curl_easy_strerror(rc)));
  }
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.http_status);
  if (response.http_status >= 300) response.error_code = XmlElement(response.body, "Code");
  return response;
}

Result<S3Response> S3HttpClient::SendWithRetries(std::string_view method, const std::string& key,
                                                 std::string_view body,
                                                 const std::vector<std::string>& extra_headers,
                                                 int* transient_failures, const std::string& query) const {
  thread_local std::mt19937 jitter{std::random_device{}()};
  std::chrono::milliseconds backoff = first_backoff_;
  int failures = 0;
  for (int attempt = 1;; ++attempt) {
    Result<S3Response> response = Send(method, key, body, extra_headers, query);
    const bool transient = !response.ok() ? response.status().code() == StatusCode::kIOError
                                          : (response->http_status >= 500 && response->http_status <= 504 &&
                                             response->http_status != 501);
    if (!transient || attempt >= attempts_) {
      if (transient_failures != nullptr) *transient_failures = failures + (transient ? 1 : 0);
      return response;
    }
    ++failures;
    // Full jitter keeps many writers that failed together from retrying together.
    std::uniform_int_distribution<int64_t> wait(backoff.count() / 2, backoff.count());
    std::this_thread::sleep_for(std::chrono::milliseconds(wait(jitter)));
    backoff *= 4;
  }
}

Status S3HttpClient::ErrorStatus(std::string_view method, const std::string& key, const S3Response& response) const {
  std::string message = "S3 " + std::string(method) + " " + ObjectUri(key) + ": HTTP " +
                        std::to_string(response.http_status);
  if (!response.error_code.empty()) message += " " + response.error_code;
  if (std::string detail = XmlElement(response.body, "Message"); !detail.empty()) message += ": " + detail;
  switch (response.http_status) {
    case 412:
      return Status::AlreadyExists(std::move(message));
    case 409:
      // A concurrent conditional write to the same key is still in flight:
      // for put-if-absent that is a lost race, like 412.
      if (response.error_code == "ConditionalRequestConflict") return Status::AlreadyExists(std::move(message));
      return Status::Conflict(std::move(message));
    case 404:
      return Status::NotFound(std::move(message));
    case 401:
      return Status::Unauthenticated(std::move(message));
    case 403:
      return Status::PermissionDenied(std::move(message));
    default:
      return Status::IOError(std::move(message));
  }
}

}  // namespace medallion::storage
