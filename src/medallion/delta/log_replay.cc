#include "medallion/delta/log_replay.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <optional>
#include <thread>

#include "medallion/delta/checkpoint.h"

namespace medallion::delta {

namespace {

// Parsed name of a file in _delta_log we care about.
struct LogFile {
  int64_t version = -1;
  bool is_commit = false;
  int part = 0, parts = 0;  // checkpoint parts; single-part: 1 of 1
  std::string path;
  int64_t mtime_ms = 0;
};

std::optional<LogFile> ClassifyLogFile(const storage::ObjectInfo& info) {
  std::string_view name = info.path;
  auto slash = name.rfind('/');
  if (slash != std::string_view::npos) name = name.substr(slash + 1);
  if (name.size() < 25) return std::nullopt;
  for (char c : name.substr(0, 20)) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  LogFile f;
  f.version = std::stoll(std::string(name.substr(0, 20)));
  f.path = info.path;
  f.mtime_ms = info.mtime_ms;
  std::string_view rest = name.substr(20);
  if (rest == ".json") {
    f.is_commit = true;
    return f;
  }
  if (rest == ".checkpoint.parquet") {
    f.part = f.parts = 1;
    return f;
  }
  // ".checkpoint.0000000001.0000000003.parquet"
  if (rest.size() == 41 && rest.substr(0, 12) == ".checkpoint." && rest.substr(33) == ".parquet") {
    f.part = std::stoi(std::string(rest.substr(12, 10)));
    f.parts = std::stoi(std::string(rest.substr(23, 10)));
    return f;
  }
  return std::nullopt;  // v2 checkpoints, compacted logs, temp files
}

struct LogListing {
  std::map<int64_t, LogFile> commits;
  // version -> part paths of complete checkpoints
  std::map<int64_t, std::vector<std::string>> checkpoints;
};

Result<LogListing> ListLog(storage::ObjectStore& store, const std::string& start_after) {
  MEDALLION_ASSIGN_OR_RETURN(auto infos, store.List(kLogDir, start_after));
  LogListing listing;
  std::map<std::pair<int64_t, int>, std::map<int, std::string>> parts;  // (version, parts) -> part -> path
  for (const auto& info : infos) {
    auto f = ClassifyLogFile(info);
    if (!f) continue;
    if (f->is_commit) {
      listing.commits[f->version] = *f;
    } else {
      parts[{f->version, f->parts}][f->part] = f->path;
    }
  }
  for (auto& [key, by_part] : parts) {
    if (static_cast<int>(by_part.size()) != key.second) continue;  // incomplete multi-part
    std::vector<std::string> paths;
    for (auto& [part, path] : by_part) paths.push_back(path);
    listing.checkpoints[key.first] = std::move(paths);
  }
  return listing;
}

std::string StartAfterFor(int64_t version) { return fmt::format("{}/{:020d}", kLogDir, version); }

}  // namespace

Result<std::vector<Action>> ReadCommit(storage::ObjectStore& store, int64_t version) {
  const std::string path = CommitFileName(version);
  auto content = store.Read(path);
  if (!content.ok()) return content.status();
  return ParseCommit(*content, store.root_uri() + "/" + path);
}

Result<std::shared_ptr<Snapshot>> LoadSnapshot(storage::ObjectStore& store, std::optional<int64_t> version) {
  auto hint = ReadLastCheckpoint(store);
  std::string start_after;
  if (hint && hint->version >= 0 && (!version || hint->version <= *version)) start_after = StartAfterFor(hint->version);
  MEDALLION_ASSIGN_OR_RETURN(LogListing listing, ListLog(store, start_after));
  if (!start_after.empty() && !listing.checkpoints.count(hint->version)) {
    // The hint points at a checkpoint that is missing or incomplete: list all.
    MEDALLION_ASSIGN_OR_RETURN(listing, ListLog(store, ""));
  }
  if (listing.commits.empty() && listing.checkpoints.empty()) {
    return Status::NotFound(fmt::format("{} is not a Delta table (no commits in {}/)", store.root_uri(), kLogDir));
  }
  int64_t latest = listing.commits.empty() ? listing.checkpoints.rbegin()->first : listing.commits.rbegin()->first;
  if (!listing.checkpoints.empty()) latest = std::max(latest, listing.checkpoints.rbegin()->first);
  int64_t target = version.value_or(latest);
  if (target > latest || target < 0) {
    return Status::InvalidArgument(
        fmt::format("version {} of {} does not exist (latest is {})", target, store.root_uri(), latest));
  }

  auto snapshot = std::make_shared<Snapshot>();
  int64_t next = 0;
  auto cp = listing.checkpoints.upper_bound(target);
  if (cp != listing.checkpoints.begin()) {
    --cp;
    MEDALLION_ASSIGN_OR_RETURN(auto actions, ReadCheckpointActions(store, cp->second));
    int64_t ts = 0;
    if (auto c = listing.commits.find(cp->first); c != listing.commits.end()) ts = c->second.mtime_ms;
    MEDALLION_RETURN_IF_ERROR(snapshot->Apply(cp->first, actions, ts).WithContext(cp->second.front()));
    next = cp->first + 1;
  }
  // Read and parse the remaining commits concurrently (they are small; on
  // S3 latency dominates, locally JSON parsing does), then apply them
  // strictly in version order. A fixed set of workers walks a window of
  // versions: one thread per commit cost more than reading the commit.
  std::vector<int64_t> versions;
  for (int64_t v = next; v <= target; ++v) {
    if (!listing.commits.count(v)) {
      return Status::Corruption(
          fmt::format("{}: commit file for version {} is missing", store.root_uri(), v));
    }
    versions.push_back(v);
  }
  constexpr size_t kReaders = 16;
  constexpr size_t kWindow = 1024;  // bounds the parsed commits held at once
  for (size_t begin = 0; begin < versions.size(); begin += kWindow) {
    const size_t end = std::min(versions.size(), begin + kWindow);
    std::vector<std::optional<Result<std::vector<Action>>>> reads(end - begin);
    std::atomic<size_t> cursor{begin};
    auto reader = [&] {
      for (size_t i = cursor++; i < end; i = cursor++) reads[i - begin] = ReadCommit(store, versions[i]);
    };
    const size_t threads = std::min(kReaders, end - begin);
    std::vector<std::thread> pool;
    for (size_t t = 1; t < threads; ++t) pool.emplace_back(reader);
    reader();
    for (auto& thread : pool) thread.join();
    for (size_t i = begin; i < end; ++i) {
      auto& actions = *reads[i - begin];
      if (!actions.ok()) return actions.status();
      MEDALLION_RETURN_IF_ERROR(snapshot->Apply(versions[i], *actions, listing.commits[versions[i]].mtime_ms));
    }
  }
  return snapshot;
}

Result<std::shared_ptr<const Snapshot>> UpdateSnapshot(storage::ObjectStore& store,
                                                       const std::shared_ptr<const Snapshot>& base) {
  auto full = [&store]() -> Result<std::shared_ptr<const Snapshot>> {
    MEDALLION_ASSIGN_OR_RETURN(auto loaded, LoadSnapshot(store));
    return std::shared_ptr<const Snapshot>(std::move(loaded));
  };
  if (!base || base->version() < 0) return full();
  // "~" sorts after every file of version base->version() (".json",
  // ".checkpoint..."), so the listing starts at the next version.
  MEDALLION_ASSIGN_OR_RETURN(LogListing listing, ListLog(store, StartAfterFor(base->version()) + "~"));
  if (listing.commits.empty()) {
    // Nothing newer, or a table recreated in place with fewer versions:
    // only the latter leaves base's own commit missing.
    if (store.Stat(CommitFileName(base->version())).status().IsNotFound()) return full();
    return base;
  }
  int64_t expected = base->version() + 1;
  for (const auto& [version, file] : listing.commits) {
    if (version != expected++) return full();
  }
  auto snapshot = std::make_shared<Snapshot>(*base);
  for (const auto& [version, file] : listing.commits) {
    MEDALLION_ASSIGN_OR_RETURN(auto actions, ReadCommit(store, version));
    MEDALLION_RETURN_IF_ERROR(snapshot->Apply(version, actions, file.mtime_ms));
  }
  return std::shared_ptr<const Snapshot>(std::move(snapshot));
}

Result<std::vector<CommitEntry>> ListCommits(storage::ObjectStore& store, int64_t from_version) {
  std::string start_after = from_version > 0 ? StartAfterFor(from_version - 1) + "~" : "";
  MEDALLION_ASSIGN_OR_RETURN(LogListing listing, ListLog(store, start_after));
  std::vector<CommitEntry> out;
  int64_t last_ts = 0;
  for (const auto& [v, f] : listing.commits) {
    int64_t ts = std::max(f.mtime_ms, last_ts + 1);
    out.push_back({v, ts});
    last_ts = ts;
  }
  return out;
}

Result<int64_t> VersionAtTimestamp(storage::ObjectStore& store, int64_t timestamp_ms) {
  MEDALLION_ASSIGN_OR_RETURN(auto commits, ListCommits(store, 0));
  if (commits.empty()) return Status::NotFound(fmt::format("{} is not a Delta table", store.root_uri()));
  int64_t found = -1;
  for (const auto& c : commits) {
    if (c.timestamp_ms <= timestamp_ms) found = c.version;
  }
  if (found < 0) {
    return Status::InvalidArgument(
        fmt::format("timestamp is before the first commit of {} (version {})", store.root_uri(), commits[0].version));
  }
  return found;
}

}  // namespace medallion::delta
