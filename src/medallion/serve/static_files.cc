#include "medallion/serve/static_files.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <optional>
#include <sstream>
#include <system_error>

#include "medallion/serve/url.h"

namespace medallion::serve {

namespace fs = std::filesystem;

namespace {

Response NotFound() { return ErrorResponse(404, "not_found", "no such file"); }

// The path below the root, or nullopt if any segment could escape it.
std::optional<fs::path> SafeRelativePath(std::string_view decoded) {
  if (decoded.empty() || decoded.front() != '/') return std::nullopt;
  if (decoded.find('\\') != std::string_view::npos || decoded.find('\0') != std::string_view::npos) {
    return std::nullopt;
  }
  fs::path relative;
  auto segments = SplitPath(decoded);
  for (size_t i = 0; i < segments.size(); ++i) {
    std::string_view s = segments[i];
    if (s == "..") return std::nullopt;
    // An empty segment in the middle ("//etc") would make the rest absolute.
    if (s.empty() && i + 1 < segments.size()) return std::nullopt;
    if (s.empty() || s == ".") continue;
    relative /= std::string(s);
  }
  return relative;
}

// The canonical file if it exists inside root.
std::optional<fs::path> ResolveInside(const fs::path& root, const fs::path& relative) {
  std::error_code ec;
  fs::path candidate = fs::canonical(root / relative, ec);
  if (ec) return std::nullopt;
  auto [root_end, _] = std::mismatch(root.begin(), root.end(), candidate.begin(), candidate.end());
  if (root_end != root.end()) return std::nullopt;  // a symlink led outside
  if (fs::is_directory(candidate, ec)) {
    candidate /= "index.html";
    if (!fs::is_regular_file(candidate, ec)) return std::nullopt;
  }
  if (!fs::is_regular_file(candidate, ec)) return std::nullopt;
  return candidate;
}

std::optional<std::string> ReadWholeFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream data;
  data << in.rdbuf();
  return std::move(data).str();
}

}  // namespace

Result<StaticFiles> StaticFiles::Open(const fs::path& root) {
  std::error_code ec;
  fs::path canonical = fs::canonical(root, ec);
  if (ec || !fs::is_directory(canonical, ec)) {
    return Status::NotFound("static directory not found: " + root.string());
  }
  return StaticFiles(canonical);
}

Response StaticFiles::Serve(std::string_view decoded_path) const {
  auto relative = SafeRelativePath(decoded_path);
  if (!relative) return NotFound();
  auto file = ResolveInside(root_, *relative);
  if (!file && !relative->has_extension()) file = ResolveInside(root_, "index.html");
  if (!file) return NotFound();
  auto data = ReadWholeFile(*file);
  if (!data) return NotFound();
  Response response;
  response.content_type = std::string(ContentTypeFor(file->filename().string()));
  response.body = std::move(*data);
  // Bundlers put a content hash in asset names; index.html must be revalidated.
  bool is_html = file->extension() == ".html";
  response.headers.emplace_back("Cache-Control", is_html ? "no-cache" : "public, max-age=3600");
  return response;
}

std::string_view ContentTypeFor(std::string_view filename) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 18> kTypes = {{
      {".html", "text/html; charset=utf-8"},
      {".htm", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},
      {".ico", "image/x-icon"},
      {".webp", "image/webp"},
      {".woff", "font/woff"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
      {".wasm", "application/wasm"},
  }};
  size_t dot = filename.rfind('.');
  if (dot == std::string_view::npos) return "application/octet-stream";
  std::string ext(filename.substr(dot));
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& [e, type] : kTypes) {
    if (e == ext) return type;
  }
  return "application/octet-stream";
}

}  // namespace medallion::serve
