#include "medallion/storage/object_store.h"

#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "medallion/storage/local_object_store.h"
#include "medallion/storage/s3_object_store.h"

namespace medallion::storage {
namespace {

// Sets `field` from the first of `names` that is set and non-empty, unless
// the caller already gave a value.
void FillFromFirst(std::string& field, std::initializer_list<const char*> names) {
  if (!field.empty()) return;
  for (const char* name : names) {
    const char* value = std::getenv(name);
    if (value != nullptr && *value != '\0') {
      field = value;
      return;
    }
  }
}

}  // namespace

void S3Options::FillFromEnvironment() {
  FillFromFirst(access_key, {"AWS_ACCESS_KEY_ID"});
  FillFromFirst(secret_key, {"AWS_SECRET_ACCESS_KEY"});
  FillFromFirst(session_token, {"AWS_SESSION_TOKEN"});
  FillFromFirst(region, {"AWS_REGION", "AWS_DEFAULT_REGION"});
  if (region.empty()) region = "us-east-1";
  // The service-specific variable wins, as in the AWS SDKs and CLI.
  FillFromFirst(endpoint_url, {"AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"});
}

std::string JoinPath(std::string_view root, std::string_view child) {
  if (root.empty()) return std::string(child);
  while (!child.empty() && child.front() == '/') child.remove_prefix(1);
  if (child.empty()) return std::string(root);
  while (!root.empty() && root.back() == '/') root.remove_suffix(1);
  std::string joined(root);
  joined += '/';
  joined += child;
  return joined;
}

Result<std::shared_ptr<ObjectStore>> OpenObjectStore(const std::string& uri, S3Options s3) {
  if (uri.empty()) return Status::InvalidArgument("storage URI is empty");
  if (uri.starts_with("s3://")) {
    s3.FillFromEnvironment();
    MEDALLION_ASSIGN_OR_RETURN(std::shared_ptr<S3ObjectStore> store, S3ObjectStore::Open(uri, s3));
    return std::shared_ptr<ObjectStore>(std::move(store));
  }
  std::string path = uri;
  if (uri.starts_with("file://")) {
    path = uri.substr(std::string_view("file://").size());
    if (!path.starts_with("/")) {
      return Status::InvalidArgument("file URI '" + uri + "' must be absolute (file:///path)");
    }
  } else if (uri.find("://") != std::string::npos) {
    return Status::InvalidArgument("unsupported storage URI '" + uri + "' (use a path, file:// or s3://)");
  }
  std::error_code ec;
  std::filesystem::path absolute = std::filesystem::absolute(path, ec);
  if (ec) return Status::IOError("resolving '" + uri + "' to an absolute path: " + ec.message());
  std::string normalized = absolute.lexically_normal().string();
  return std::shared_ptr<ObjectStore>(std::make_shared<LocalObjectStore>(std::move(normalized)));
}

}  // namespace medallion::storage
