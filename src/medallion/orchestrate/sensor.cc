#include "medallion/orchestrate/sensor.h"

#include <fmt/format.h>

#include "medallion/delta/table.h"
#include "medallion/storage/object_store.h"

namespace medallion::orchestrate {

namespace {

// The table's current version, or -1 when there is no table (yet).
Result<int64_t> CurrentVersion(const std::string& uri) {
  auto table = delta::Table::Open(uri);
  if (!table.ok()) {
    if (table.status().IsNotFound()) return int64_t{-1};
    return table.status();
  }
  return (*table)->snapshot()->version();
}

std::string SeenKey(const std::string& uri) { return "seen_version:" + uri; }

}  // namespace

TaskFn MakeSensor(std::string condition, PokeFn poke, SensorOptions options) {
  return [condition = std::move(condition), poke = std::move(poke), options](const TaskContext& ctx) -> Status {
    auto deadline = std::chrono::steady_clock::now() + options.timeout;
    for (int pokes = 1;; ++pokes) {
      MEDALLION_RETURN_IF_ERROR(ctx.cancel.Check());
      MEDALLION_ASSIGN_OR_RETURN(bool met, poke(ctx));
      if (met) {
        ctx.log.Info("sensor: {} (after {} pokes)", condition, pokes);
        return Status::OK();
      }
      auto now = std::chrono::steady_clock::now();
      if (now >= deadline) {
        return Status::Timeout(fmt::format("sensor timed out after {} ms waiting for: {}", options.timeout.count(),
                                           condition));
      }
      if (pokes == 1) ctx.log.Info("sensor: waiting for {}", condition);
      auto wait = std::min(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now),
                           options.poke_interval);
      if (!ctx.cancel.WaitFor(wait)) return ctx.cancel.Check();
    }
  };
}

std::string ResolveTableUri(const TaskContext& ctx, const std::string& table) {
  bool absolute = table.find("://") != std::string::npos || (!table.empty() && table[0] == '/');
  return absolute ? table : storage::JoinPath(ctx.lake_root, table);
}

PokeFn DeltaTableReachedVersion(std::string table, int64_t min_version) {
  return [table = std::move(table), min_version](const TaskContext& ctx) -> Result<bool> {
    MEDALLION_ASSIGN_OR_RETURN(int64_t version, CurrentVersion(ResolveTableUri(ctx, table)));
    return version >= min_version;
  };
}

PokeFn DeltaTableHasNewVersion(std::string table) {
  return [table = std::move(table)](const TaskContext& ctx) -> Result<bool> {
    std::string uri = ResolveTableUri(ctx, table);
    MEDALLION_ASSIGN_OR_RETURN(int64_t version, CurrentVersion(uri));
    if (version < 0) return false;
    int64_t seen = -1;
    if (auto stored = ctx.state.Get(SeenKey(uri))) seen = std::stoll(*stored);
    if (version <= seen) return false;
    ctx.log.Info("table {} is at version {} (last seen {})", uri, version, seen);
    MEDALLION_RETURN_IF_ERROR(ctx.state.Put(SeenKey(uri), std::to_string(version)));
    return true;
  };
}

}  // namespace medallion::orchestrate
