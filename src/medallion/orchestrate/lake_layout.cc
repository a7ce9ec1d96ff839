#include "medallion/orchestrate/lake_layout.h"

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <system_error>
#include <vector>

namespace medallion::orchestrate {

namespace {

// ./<relative>, then <relative> in the checkout of the running binary
// (build-dir/medallion and build-dir/<module>_test sit one level below it).
std::vector<std::filesystem::path> Candidates(const std::string& relative) {
  std::vector<std::filesystem::path> paths = {relative};
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    paths.push_back(exe.parent_path().parent_path() / relative);
    paths.push_back(exe.parent_path() / relative);
  }
  return paths;
}

}  // namespace

Result<std::string> FindQualitySuite(const std::string& entity) {
  const std::string file = entity + "_suite.yaml";
  std::vector<std::filesystem::path> paths;
  if (const char* env = std::getenv("MEDALLION_QUALITY_DIR"); env != nullptr && *env != '\0') {
    paths.push_back(std::filesystem::path(env) / file);
  }
  for (auto& p : Candidates("config/quality/" + file)) paths.push_back(std::move(p));
  std::vector<std::string> tried;
  for (const auto& path : paths) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(path, ec)) return path.string();
    tried.push_back(path.string());
  }
  return Status::NotFound(fmt::format("no expectation suite for '{}' (tried {}; set MEDALLION_QUALITY_DIR)", entity,
                                      fmt::join(tried, ", ")));
}

}  // namespace medallion::orchestrate
