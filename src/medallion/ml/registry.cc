#include "medallion/ml/registry.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#include "medallion/common/env.h"
#include "medallion/delta/scan.h"
#include "medallion/delta/table.h"
#include "medallion/ml/promotion.h"
#include "medallion/ml/registry_events.h"
#include "medallion/ml/registry_history.h"

namespace medallion::ml {

namespace {

// A lost race re-reads and re-decides; this bounds a pathological livelock.
constexpr int kMaxCommitAttempts = 100;
constexpr char kModelFileName[] = "model.json";
constexpr char kMetaFileName[] = "meta.json";

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string Actor() {
  char host[256] = {0};
  if (gethostname(host, sizeof(host) - 1) != 0) host[0] = '\0';
  return fmt::format("{}@{}", GetEnv("USER").value_or("unknown"), host);
}

Status ValidateName(const std::string& name) {
  bool ok = !name.empty() && name.front() != '.' && name.front() != '-';
  for (char c : name) ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.');
  if (!ok) {
    return Status::InvalidArgument(
        fmt::format("model name '{}' must be letters, digits, '_', '-' or '.' (not starting with '.' or '-')", name));
  }
  return Status::OK();
}

std::string VersionDir(const std::string& name, int64_t version) {
  return fmt::format("_models/{}/{}", name, version);
}

Result<std::string> ReadLocalFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(fmt::format("model file '{}' cannot be opened", path));
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) return Status::IOError(fmt::format("reading model file '{}'", path));
  return bytes.str();
}

using Histories = std::map<std::string, ModelHistory>;

}  // namespace

struct Registry::State {
  std::mutex mu;
  std::shared_ptr<storage::ObjectStore> lake;
  std::shared_ptr<storage::ObjectStore> registry_store;  // <lake>/_models/registry
  std::shared_ptr<delta::Table> table;                  // null until the table exists
  int64_t table_version = -1;

  // Brings `table` to the newest version, if there is a table at all.
  Status RefreshLocked() {
    if (!table) {
      auto opened = delta::Table::Open(registry_store);
      if (!opened.ok()) return opened.status().IsNotFound() ? Status::OK() : opened.status();
      table = *opened;
    } else {
      MEDALLION_RETURN_IF_ERROR(table->Refresh().status());
    }
    table_version = table->snapshot()->version();
    return Status::OK();
  }

  Result<Histories> Load() {
    std::lock_guard lock(mu);
    MEDALLION_RETURN_IF_ERROR(RefreshLocked().WithContext("model registry"));
    if (!table) return Histories{};
    MEDALLION_ASSIGN_OR_RETURN(auto rows, delta::ScanToTable(table->store(), *table->snapshot(), {}));
    MEDALLION_ASSIGN_OR_RETURN(auto events, EventsFromArrow(*rows));
    return ReplayEvents(std::move(events));
  }

  // One model's history; NotFound if it was never registered.
  Result<ModelHistory> LoadModel(const std::string& name) {
    MEDALLION_ASSIGN_OR_RETURN(Histories histories, Load());
    auto model = histories.find(name);
    if (model == histories.end()) {
      return Status::NotFound(fmt::format("model '{}' is not in the registry {}", name, lake->root_uri()));
    }
    return std::move(model->second);
  }

  // Appends `event` as one commit that advances the model's txn from
  // `event.seq - 1` to `event.seq`: Conflict if anyone else advanced it first.
  Status Commit(const RegistryEvent& event) {
    MEDALLION_ASSIGN_OR_RETURN(auto rows, EventsToArrow({event}));
    std::lock_guard lock(mu);
    if (!table) {
      delta::CreateOptions create;
      create.schema = RegistrySchema();
      create.name = "model_registry";
      create.description = "medallion model versions and alias moves (champion, challenger)";
      MEDALLION_ASSIGN_OR_RETURN(table, delta::Table::OpenOrCreate(registry_store, create));
    }
    delta::WriteOptions options;
    const std::string app_id = RegistryAppId(event.name);
    options.txns.push_back(delta::Txn{app_id, event.seq, event.created_at_us / 1000});
    options.expected_txns[app_id] = event.seq > 1 ? std::optional<int64_t>(event.seq - 1) : std::nullopt;
    options.commit.max_attempts = kMaxCommitAttempts;
    MEDALLION_ASSIGN_OR_RETURN(auto written, table->Append(rows, options));
    table_version = written.version;
    return Status::OK();
  }
};

Result<Registry> Registry::Open(std::string lake_root, storage::S3Options s3) {
  auto state = std::make_shared<State>();
  MEDALLION_ASSIGN_OR_RETURN(state->lake, storage::OpenObjectStore(lake_root, s3));
  MEDALLION_ASSIGN_OR_RETURN(state->registry_store,
                             storage::OpenObjectStore(storage::JoinPath(state->lake->root_uri(), "_models/registry"), s3));
  return Registry(std::move(state));
}

Result<ModelVersion> Registry::Register(ModelVersion draft, const std::string& local_model_path) {
  MEDALLION_RETURN_IF_ERROR(ValidateName(draft.name));
  if (draft.kind.empty()) return Status::InvalidArgument(fmt::format("model {}: kind is empty", draft.name));
  MEDALLION_ASSIGN_OR_RETURN(std::string bytes, ReadLocalFile(local_model_path));
  MEDALLION_ASSIGN_OR_RETURN(Histories histories, state_->Load());

  // The version number is claimed by creating its model file put-if-absent,
  // so two concurrent registrations never share a directory. A registration
  // killed before its commit leaves a gap in the numbers, never a clash.
  int64_t version = histories[draft.name].max_version() + 1;
  for (;; ++version) {
    Status claimed = state_->lake->WriteIfAbsent(fmt::format("{}/{}", VersionDir(draft.name, version), kModelFileName),
                                                 bytes);
    if (claimed.ok()) break;
    if (!claimed.IsAlreadyExists()) return claimed.WithContext(fmt::format("model {}", draft.name));
  }
  draft.version = version;
  draft.uri = storage::JoinPath(state_->lake->root_uri(), VersionDir(draft.name, version));
  if (draft.created_at_us == 0) draft.created_at_us = NowMicros();
  MEDALLION_RETURN_IF_ERROR(state_->lake->Write(fmt::format("{}/{}", VersionDir(draft.name, version), kMetaFileName),
                                                ModelVersionToJson(draft).dump(2)));

  RegistryEvent event;
  event.name = draft.name;
  event.event = kRegisterEvent;
  event.alias = kChallengerAlias;
  event.version = version;
  event.registered = draft;
  event.created_at_us = draft.created_at_us;
  event.reason = "registered";
  event.actor = Actor();
  for (int attempt = 0; attempt < kMaxCommitAttempts; ++attempt) {
    if (attempt > 0) {
      MEDALLION_ASSIGN_OR_RETURN(histories, state_->Load());
    }
    event.seq = histories[draft.name].last_seq + 1;
    Status committed = state_->Commit(event);
    if (committed.ok()) return draft;
    if (!committed.IsConflict()) return committed.WithContext(fmt::format("registering {} version {}", draft.name, version));
  }
  return Status::Conflict(fmt::format("registering {} version {}: lost {} races in a row", draft.name, version,
                                      kMaxCommitAttempts));
}

Result<std::vector<ModelVersion>> Registry::List(const std::string& name) const {
  MEDALLION_ASSIGN_OR_RETURN(Histories histories, state_->Load());
  std::vector<ModelVersion> out;
  for (const auto& [model, history] : histories) {
    if (!name.empty() && model != name) continue;
    for (const auto& [_, v] : history.versions) out.push_back(v);
  }
  return out;
}

Result<ModelVersion> Registry::Get(const std::string& name, int64_t version) const {
  MEDALLION_ASSIGN_OR_RETURN(const ModelHistory h, state_->LoadModel(name));
  auto found = h.versions.find(version);
  if (found == h.versions.end()) {
    return Status::NotFound(fmt::format("model '{}' has no version {}", name, version));
  }
  return found->second;
}

Result<std::optional<ModelVersion>> Registry::Alias(const std::string& name, const std::string& alias) const {
  if (alias != kChampionAlias && alias != kChallengerAlias) {
    return Status::InvalidArgument(fmt::format("alias '{}' is not 'champion' or 'challenger'", alias));
  }
  MEDALLION_ASSIGN_OR_RETURN(Histories histories, state_->Load());
  auto model = histories.find(name);
  if (model == histories.end()) return std::optional<ModelVersion>();
  const ModelHistory& h = model->second;
  auto version = alias == kChampionAlias ? h.champion() : h.challenger;
  if (!version) return std::optional<ModelVersion>();
  return std::optional<ModelVersion>(h.versions.at(*version));
}

Result<PromotionDecision> Registry::Promote(const std::string& name, std::optional<int64_t> version,
                                            const PromotionGate& gate, bool force) {
  for (int attempt = 0; attempt < kMaxCommitAttempts; ++attempt) {
    MEDALLION_ASSIGN_OR_RETURN(const ModelHistory h, state_->LoadModel(name));
    std::optional<int64_t> wanted = version ? version : h.challenger;
    if (!wanted) return Status::NotFound(fmt::format("model '{}' has no challenger to promote", name));
    auto candidate = h.versions.find(*wanted);
    if (candidate == h.versions.end()) {
      return Status::NotFound(fmt::format("model '{}' has no version {}", name, *wanted));
    }
    PromotionDecision decision;
    decision.candidate = candidate->second;
    if (auto champion = h.champion()) decision.previous_champion = h.versions.at(*champion);
    if (decision.previous_champion && decision.previous_champion->version == *wanted) {
      decision.reason = fmt::format("{} version {} is already the champion", name, *wanted);
      return decision;
    }
    GateVerdict verdict = EvaluateGate(decision.candidate, decision.previous_champion, gate);
    if (!verdict.passed && !force) {
      decision.reason = verdict.reason;
      return decision;
    }
    decision.reason = verdict.passed ? verdict.reason : "forced past the gate: " + verdict.reason;

    RegistryEvent event;
    event.name = name;
    event.seq = h.last_seq + 1;
    event.event = kPromoteEvent;
    event.alias = kChampionAlias;
    event.version = *wanted;
    event.created_at_us = NowMicros();
    event.reason = decision.reason;
    event.actor = Actor();
    Status committed = state_->Commit(event);
    if (committed.ok()) {
      decision.promoted = true;
      return decision;
    }
    // Someone else moved this model's aliases since we read them: decide again.
    if (!committed.IsConflict()) return committed.WithContext(fmt::format("promoting {} version {}", name, *wanted));
  }
  return Status::Conflict(fmt::format("promoting {}: lost {} races in a row", name, kMaxCommitAttempts));
}

Result<ModelVersion> Registry::Rollback(const std::string& name) {
  for (int attempt = 0; attempt < kMaxCommitAttempts; ++attempt) {
    MEDALLION_ASSIGN_OR_RETURN(const ModelHistory h, state_->LoadModel(name));
    if (h.champions.size() < 2) {
      return Status::InvalidArgument(fmt::format("model '{}' has no previous champion to roll back to", name));
    }
    const int64_t current = h.champions.back();
    const int64_t previous = h.champions[h.champions.size() - 2];
    RegistryEvent event;
    event.name = name;
    event.seq = h.last_seq + 1;
    event.event = kRollbackEvent;
    event.alias = kChampionAlias;
    event.version = previous;
    event.created_at_us = NowMicros();
    event.reason = fmt::format("rolled back from version {} to version {}", current, previous);
    event.actor = Actor();
    Status committed = state_->Commit(event);
    if (committed.ok()) return h.versions.at(previous);
    if (!committed.IsConflict()) return committed.WithContext(fmt::format("rolling back {}", name));
  }
  return Status::Conflict(fmt::format("rolling back {}: lost {} races in a row", name, kMaxCommitAttempts));
}

Result<std::string> Registry::LocalModelFile(const ModelVersion& version, const std::string& cache_dir) const {
  const std::string relative = fmt::format("{}/{}", VersionDir(version.name, version.version), kModelFileName);
  const std::string& root = lake_uri();
  if (root.starts_with("file://")) {
    std::string path = storage::JoinPath(root.substr(std::string_view("file://").size()), relative);
    if (!std::filesystem::exists(path)) return Status::NotFound(fmt::format("model file {} is missing", path));
    return path;
  }
  std::filesystem::path cached = std::filesystem::path(cache_dir) / version.name / std::to_string(version.version) /
                                 kModelFileName;
  std::error_code ec;
  if (std::filesystem::exists(cached, ec)) return cached.string();
  MEDALLION_ASSIGN_OR_RETURN(std::string bytes, state_->lake->Read(relative));
  std::filesystem::create_directories(cached.parent_path(), ec);
  if (ec) return Status::IOError(fmt::format("creating model cache {}: {}", cached.parent_path().string(), ec.message()));
  // Written aside and renamed, so a concurrent reader never loads half a model.
  std::filesystem::path partial = cached;
  partial += fmt::format(".partial.{}", getpid());
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out.flush()) return Status::IOError(fmt::format("writing model cache file {}", partial.string()));
  }
  std::filesystem::rename(partial, cached, ec);
  if (ec) return Status::IOError(fmt::format("renaming {} to {}: {}", partial.string(), cached.string(), ec.message()));
  return cached.string();
}

int64_t Registry::TableVersion() const {
  std::lock_guard lock(state_->mu);
  return state_->table_version;
}

Status Registry::Refresh() {
  std::lock_guard lock(state_->mu);
  return state_->RefreshLocked().WithContext("model registry");
}

const std::string& Registry::lake_uri() const { return state_->lake->root_uri(); }

}  // namespace medallion::ml
