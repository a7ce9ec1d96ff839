// The model registry: numbered versions of each named model under
// <lake>/_models/<name>/<version>/ (model file + meta.json) and a Delta table
// <lake>/_models/registry that records every registration and every alias
// move (champion, challenger), so delta-rs, Spark or DuckDB can read it too.
//
// The aliases are a replay of the table's rows in commit order. A promotion
// or a rollback is a single appended row, hence a single Delta commit: a
// process killed at any moment leaves either the old or the new champion,
// never none and never two. Each commit also carries a txn action
// (appId "registry/<name>", version = number of events for that model) and
// expects the txn version it read; two writers racing on the same model
// cannot both commit on top of the same state (the loser re-reads and
// re-decides).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "medallion/common/result.h"
#include "medallion/storage/object_store.h"

namespace medallion::ml {

struct ModelVersion {
  std::string name;
  int64_t version = 0;
  std::string kind;  // "xgboost" | "ridge" | "seasonal_naive"
  std::string uri;   // <lake>/_models/<name>/<version>
  std::vector<std::string> features;
  std::string params_json = "{}";
  std::string trained_on_table;
  int64_t trained_on_version = -1;
  // Backtest metrics: {"overall":{"wape":..},"by_horizon":{"1":{...}},
  // "seasonal_naive":{"overall":{"wape":..}}} ("seasonal_naive":{"wape":..}
  // is accepted too).
  std::string metrics_json = "{}";
  int64_t created_at_us = 0;
};

struct PromotionGate {
  // The challenger's WAPE must be <= (1 - margin) x the champion's and
  // <= (1 - margin) x seasonal naive's.
  double margin = 0.02;
};

struct PromotionDecision {
  bool promoted = false;
  std::string reason;
  std::optional<ModelVersion> previous_champion;
  ModelVersion candidate;
};

inline constexpr char kChampionAlias[] = "champion";
inline constexpr char kChallengerAlias[] = "challenger";

class Registry {
 public:
  // `lake_root`: local path or s3://bucket/prefix. Nothing is written until
  // the first Register; reading an empty lake gives empty lists.
  static Result<Registry> Open(std::string lake_root, storage::S3Options s3 = {});

  // Assigns version = max + 1, copies `local_model_path` to
  // _models/<name>/<version>/model.json with a meta.json beside it, records
  // the version and points the challenger alias at it. `draft.version`,
  // `draft.uri` and (if 0) `draft.created_at_us` are filled in.
  Result<ModelVersion> Register(ModelVersion draft, const std::string& local_model_path);

  // Every version of `name` (of every model if empty), by name then version.
  Result<std::vector<ModelVersion>> List(const std::string& name = "") const;
  Result<ModelVersion> Get(const std::string& name, int64_t version) const;
  // "champion" | "challenger"; nullopt when the alias points nowhere yet.
  Result<std::optional<ModelVersion>> Alias(const std::string& name, const std::string& alias) const;

  // Makes `version` (default: the challenger) the champion if it passes the
  // gate, or unconditionally with `force`. A refusal is a decision with
  // promoted=false and the reason (both WAPEs), not an error.
  Result<PromotionDecision> Promote(const std::string& name, std::optional<int64_t> version, const PromotionGate& gate,
                                    bool force = false);

  // champion := the champion before the current one. Returns the new champion.
  Result<ModelVersion> Rollback(const std::string& name);

  // A local path to the version's model file: the file itself on a local
  // lake, a copy under `cache_dir` (downloaded once) otherwise.
  Result<std::string> LocalModelFile(const ModelVersion& version, const std::string& cache_dir) const;

  // The registry table version this object last read (-1: no table yet).
  // Changes whenever a version is registered or an alias moves.
  int64_t TableVersion() const;

  // Re-reads the registry table; the accessors above always read fresh state,
  // this only updates TableVersion() cheaply.
  Status Refresh();

  const std::string& lake_uri() const;

 private:
  struct State;
  explicit Registry(std::shared_ptr<State> state) : state_(std::move(state)) {}
  std::shared_ptr<State> state_;
};

}  // namespace medallion::ml
