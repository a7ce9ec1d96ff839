#include "medallion/delta/transaction.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "medallion/delta/checkpoint.h"
#include "medallion/delta/log_replay.h"
#include "medallion/delta/uuid.h"

namespace medallion::delta {

using nlohmann::json;

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string MakeCommitInfo(const CommitRequest& request, int64_t read_version, int64_t timestamp_ms) {
  json info = {{"timestamp", timestamp_ms},
               {"operation", request.operation},
               {"operationParameters", request.operation_parameters},
               {"isolationLevel", "Serializable"},
               {"isBlindAppend", request.is_blind_append},
               {"operationMetrics", request.operation_metrics},
               {"engineInfo", "medallion/0.1.0"},
               {"txnId", NewUuid()}};
  if (read_version >= 0) info["readVersion"] = read_version;
  return info.dump();
}

namespace {

bool SamePartition(const PartitionValues& a, const PartitionValues& b) { return a == b; }

// Why the winning commit `version` invalidates `request`, or OK.
Status CheckConflicts(const CommitRequest& request, const std::set<std::string>& our_removes, int64_t version,
                      const std::vector<Action>& winner) {
  for (const auto& action : winner) {
    if (std::holds_alternative<Metadata>(action) || std::holds_alternative<Protocol>(action)) {
      return Status::Conflict(fmt::format("the table metadata or protocol changed concurrently (version {})", version));
    }
    if (const auto* txn = std::get_if<Txn>(&action)) {
      if (request.expected_txns.count(txn->app_id)) {
        return Status::Conflict(fmt::format(
            "app transaction '{}' was advanced to {} concurrently (version {}); this writer's batch is stale",
            txn->app_id, txn->version, version));
      }
    }
    if (const auto* remove = std::get_if<RemoveFile>(&action)) {
      if (our_removes.count(DecodeUriPath(remove->path))) {
        return Status::Conflict(
            fmt::format("file {} was removed concurrently (version {})", remove->path, version));
      }
    }
    if (const auto* add = std::get_if<AddFile>(&action)) {
      if (!add->data_change) continue;
      if (request.reads_whole_table) {
        return Status::Conflict(fmt::format("concurrent append at version {} to a table being replaced", version));
      }
      for (const auto& p : request.read_partitions) {
        if (SamePartition(p, add->partition_values)) {
          return Status::Conflict(
              fmt::format("concurrent append at version {} into a partition being replaced ({})", version, add->path));
        }
      }
    }
  }
  return Status::OK();
}

}  // namespace

Result<CommitResult> Commit(storage::ObjectStore& store, const Snapshot& read_snapshot, CommitRequest request,
                            const CommitOptions& options) {
  MEDALLION_RETURN_IF_ERROR(read_snapshot.CheckSupported(/*for_write=*/true));
  for (const auto& [app_id, expected] : request.expected_txns) {
    auto seen = read_snapshot.TxnVersion(app_id);
    if (seen != expected) {
      return Status::Conflict(fmt::format("app transaction '{}' is at {} in the log, writer expected {}", app_id,
                                          seen ? std::to_string(*seen) : "none",
                                          expected ? std::to_string(*expected) : "none"));
    }
  }
  std::set<std::string> our_removes;
  for (const auto& action : request.actions) {
    if (const auto* remove = std::get_if<RemoveFile>(&action)) our_removes.insert(DecodeUriPath(remove->path));
  }
  if (read_snapshot.Property("delta.appendOnly", "false") == "true") {
    for (const auto& action : request.actions) {
      if (const auto* remove = std::get_if<RemoveFile>(&action); remove && remove->data_change) {
        return Status::InvalidArgument("table is append-only (delta.appendOnly=true): cannot remove data");
      }
    }
  }

  auto current = std::make_shared<Snapshot>(read_snapshot);
  std::mt19937 rng{std::random_device{}()};
  for (int attempt = 1; attempt <= options.max_attempts; ++attempt) {
    const int64_t version = current->version() + 1;
    const int64_t now = NowMillis();
    std::vector<Action> body;
    body.reserve(request.actions.size() + 1);
    body.push_back(CommitInfo{MakeCommitInfo(request, read_snapshot.version(), now)});
    body.insert(body.end(), request.actions.begin(), request.actions.end());
    Status put = store.WriteIfAbsent(CommitFileName(version), SerializeCommit(body));
    if (put.ok()) {
      MEDALLION_RETURN_IF_ERROR(current->Apply(version, request.actions, now));
      if (options.write_checkpoints && version % current->checkpoint_interval() == 0) {
        // The commit is durable already; a failed checkpoint only costs replay time.
        Status cp = WriteCheckpoint(store, *current);
        if (!cp.ok()) spdlog::warn("checkpoint at version {} of {} failed: {}", version, store.root_uri(), cp.message());
      }
      return CommitResult{version, attempt, current};
    }
    if (!put.IsAlreadyExists()) return put.WithContext(fmt::format("writing commit {}", version));
    // Lost the race: catch up with every winner, checking each for conflicts.
    for (int64_t v = version;; ++v) {
      auto winner = ReadCommit(store, v);
      if (!winner.ok()) {
        if (winner.status().IsNotFound()) break;
        return winner.status();
      }
      MEDALLION_RETURN_IF_ERROR(CheckConflicts(request, our_removes, v, *winner));
      MEDALLION_RETURN_IF_ERROR(current->Apply(v, *winner, NowMillis()));
    }
    // Jittered backoff keeps many writers from colliding in lock step.
    std::uniform_int_distribution<int> jitter(0, std::min(50, attempt * 2));
    std::this_thread::sleep_for(std::chrono::milliseconds(jitter(rng)));
  }
  return Status::Conflict(fmt::format("gave up committing to {} after {} attempts", store.root_uri(),
                                      options.max_attempts));
}

}  // namespace medallion::delta
