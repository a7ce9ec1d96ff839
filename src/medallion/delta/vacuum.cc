// VACUUM: deletes data files that the latest snapshot no longer references
// (removed by overwrite/OPTIMIZE, or orphaned by a writer that died before
// its commit) once they are older than the retention period, so readers of
// recent versions and in-flight writers are never broken.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "medallion/delta/table.h"

namespace medallion::delta {

Result<VacuumResult> Table::Vacuum(double retention_hours, bool dry_run) {
  if (retention_hours < 0) return Status::InvalidArgument("retention hours must be >= 0");
  MEDALLION_ASSIGN_OR_RETURN(auto snapshot, Refresh());
  const int64_t cutoff = NowMillis() - static_cast<int64_t>(retention_hours * 3600.0 * 1000.0);
  MEDALLION_ASSIGN_OR_RETURN(auto objects, store_->ListRecursive(""));
  VacuumResult result;
  for (const auto& object : objects) {
    const std::string& path = object.path;
    // Never touch the log or hidden files/directories (Delta's convention:
    // names starting with '_' or '.'), except inside partition directories.
    bool hidden = false;
    size_t start = 0;
    while (start < path.size()) {
      size_t end = path.find('/', start);
      if (end == std::string::npos) end = path.size();
      std::string_view part(path.data() + start, end - start);
      if (!part.empty() && (part[0] == '.' || part[0] == '_') && part.find('=') == std::string_view::npos) {
        hidden = true;
        break;
      }
      start = end + 1;
    }
    if (hidden) continue;
    if (snapshot->files().count(path)) continue;
    if (auto tomb = snapshot->tombstones().find(path); tomb != snapshot->tombstones().end()) {
      if (tomb->second.deletion_timestamp.value_or(0) > cutoff) continue;
    }
    if (object.mtime_ms > cutoff) continue;
    result.deleted.push_back(path);
    result.bytes += object.size;
  }
  if (dry_run) return result;
  for (const auto& path : result.deleted) {
    MEDALLION_RETURN_IF_ERROR(store_->Delete(path));
  }
  spdlog::info("vacuum of {} deleted {} files ({} bytes)", uri(), result.deleted.size(), result.bytes);
  return result;
}

}  // namespace medallion::delta
