#include "medallion/orchestrate/file_trigger.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "medallion/orchestrate/logical_date.h"
#include "medallion/orchestrate/run_store.h"

namespace medallion::orchestrate {

namespace fs = std::filesystem;

namespace {

bool Ignored(const std::string& name) {
  auto ends_with = [&](std::string_view suffix) {
    return name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  return name.empty() || name[0] == '.' || ends_with(".tmp") || ends_with(".part");
}

std::string LogicalDateOf(const std::string& name, const fs::path& path) {
  if (name.size() >= 10 && ParseLogicalDate(std::string_view(name).substr(0, 10)).ok()) return name.substr(0, 10);
  std::ifstream in(path);
  std::string line;
  if (std::getline(in, line)) {
    line.erase(line.find_last_not_of(" \t\r") + 1);
    line.erase(0, line.find_first_not_of(" \t"));
    if (ParseLogicalDate(line).ok()) return line;
  }
  return TodayUtc();
}

}  // namespace

FileTrigger::FileTrigger(std::string folder) : folder_(std::move(folder)) {}

std::string FileTrigger::processed_folder() const { return (fs::path(folder_) / "processed").string(); }

Result<std::vector<TriggerFile>> FileTrigger::Claim(int limit) {
  std::error_code ec;
  fs::create_directories(processed_folder(), ec);
  if (ec) return Status::IOError(fmt::format("cannot create {}: {}", processed_folder(), ec.message()));
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(folder_, ec)) {
    if (!entry.is_regular_file()) continue;
    std::string name = entry.path().filename().string();
    if (!Ignored(name)) names.push_back(name);
  }
  if (ec) return Status::IOError(fmt::format("cannot list trigger folder {}: {}", folder_, ec.message()));
  std::sort(names.begin(), names.end());

  std::vector<TriggerFile> claimed;
  for (const auto& name : names) {
    if (limit >= 0 && static_cast<int>(claimed.size()) >= limit) break;
    fs::path from = fs::path(folder_) / name;
    fs::path to = fs::path(processed_folder()) / name;
    if (fs::exists(to)) to = fs::path(processed_folder()) / fmt::format("{}.{}", name, NowMillis());
    std::string date = LogicalDateOf(name, from);
    fs::rename(from, to, ec);
    if (ec) {
      // Another watcher claimed it first.
      if (ec == std::errc::no_such_file_or_directory) continue;
      return Status::IOError(fmt::format("cannot move trigger file {} to {}: {}", from.string(), to.string(),
                                         ec.message()));
    }
    claimed.push_back({name, to.string(), date});
  }
  return claimed;
}

Status FileTrigger::Watch(std::chrono::milliseconds interval, const CancellationToken& cancel,
                          const std::function<Status(const TriggerFile&)>& on_file, int max_files) {
  int handled = 0;
  while (!cancel.cancelled()) {
    MEDALLION_ASSIGN_OR_RETURN(auto files, Claim(max_files < 0 ? -1 : max_files - handled));
    for (const auto& file : files) {
      MEDALLION_RETURN_IF_ERROR(on_file(file));
      if (max_files >= 0 && ++handled >= max_files) return Status::OK();
    }
    cancel.WaitFor(interval);
  }
  return Status::OK();
}

}  // namespace medallion::orchestrate
