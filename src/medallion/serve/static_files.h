// The dashboard's built files (web/dist) served from a directory. Requests
// that try to leave the directory (.., encoded %2e%2e, absolute paths,
// symlinks pointing out) get 404, the same as a missing file, so a probe
// learns nothing about the disk.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "medallion/common/result.h"
#include "medallion/serve/http_message.h"

namespace medallion::serve {

class StaticFiles {
 public:
  // NotFound if `root` is not a directory.
  static Result<StaticFiles> Open(const std::filesystem::path& root);

  // `decoded_path` is the request path after percent-decoding. A path with
  // no file extension that matches nothing gets index.html (client-side
  // routes of a single-page app).
  Response Serve(std::string_view decoded_path) const;

 private:
  explicit StaticFiles(std::filesystem::path root) : root_(std::move(root)) {}
  std::filesystem::path root_;  // canonical
};

// "text/html; charset=utf-8" for "index.html"; application/octet-stream when unknown.
std::string_view ContentTypeFor(std::string_view filename);

}  // namespace medallion::serve
