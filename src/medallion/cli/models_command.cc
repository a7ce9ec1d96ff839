// `medallion models list|show|promote|rollback|register`: the model registry
// (ml/registry.h) from the shell. promote exits 3 when the gate refuses, so
// scripts and DAG tasks can tell "refused" from "failed" (1) and "promoted" (0).
#include <fmt/chrono.h>
#include <fmt/format.h>

#include <ctime>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "medallion/cli/commands.h"
#include "medallion/ml/promotion.h"
#include "medallion/ml/registry.h"
#include "medallion/ml/registry_events.h"

namespace medallion::cli {

namespace {

using nlohmann::json;

constexpr int kRefusedExitCode = 3;

struct ModelsFlags {
  std::string lake;
  bool json = false;
  std::string name;
  int64_t version = -1;  // -1: not given
  bool force = false;
};

Result<ml::Registry> OpenRegistry(const ModelsFlags& flags, const Config& config) {
  return ml::Registry::Open(flags.lake.empty() ? config.GetString("lake.root", "./lake") : flags.lake);
}

std::string FormatMicros(int64_t micros) {
  std::time_t seconds = static_cast<std::time_t>(micros / 1'000'000);
  return fmt::format("{:%Y-%m-%d %H:%M:%S}", fmt::gmtime(seconds));
}

std::string FormatWape(const std::optional<double>& wape) { return wape ? fmt::format("{:.4f}", *wape) : "-"; }

// "champion", "challenger", "champion,challenger" or "".
std::string AliasesOf(const ml::ModelVersion& v, const std::optional<ml::ModelVersion>& champion,
                      const std::optional<ml::ModelVersion>& challenger) {
  std::vector<std::string> aliases;
  if (champion && champion->version == v.version) aliases.push_back(ml::kChampionAlias);
  if (challenger && challenger->version == v.version) aliases.push_back(ml::kChallengerAlias);
  return fmt::format("{}", fmt::join(aliases, ","));
}

struct Aliases {
  std::optional<ml::ModelVersion> champion, challenger;
};

Result<Aliases> ReadAliases(const ml::Registry& registry, const std::string& name) {
  Aliases a;
  MEDALLION_ASSIGN_OR_RETURN(a.champion, registry.Alias(name, ml::kChampionAlias));
  MEDALLION_ASSIGN_OR_RETURN(a.challenger, registry.Alias(name, ml::kChallengerAlias));
  return a;
}

json VersionJson(const ml::ModelVersion& v, const Aliases& aliases) {
  json doc = ml::ModelVersionToJson(v);
  doc["aliases"] = json::array();
  if (aliases.champion && aliases.champion->version == v.version) doc["aliases"].push_back(ml::kChampionAlias);
  if (aliases.challenger && aliases.challenger->version == v.version) doc["aliases"].push_back(ml::kChallengerAlias);
  return doc;
}

Status RunList(const ModelsFlags& flags, const Config& config) {
  MEDALLION_ASSIGN_OR_RETURN(auto registry, OpenRegistry(flags, config));
  MEDALLION_ASSIGN_OR_RETURN(auto versions, registry.List(flags.name));
  std::map<std::string, Aliases> aliases;
  for (const auto& v : versions) {
    if (aliases.count(v.name)) continue;
    MEDALLION_ASSIGN_OR_RETURN(aliases[v.name], ReadAliases(registry, v.name));
  }
  if (flags.json) {
    json out = json::array();
    for (const auto& v : versions) out.push_back(VersionJson(v, aliases[v.name]));
    std::cout << out.dump(2) << std::endl;
    return Status::OK();
  }
  if (versions.empty()) {
    std::cout << "no models registered in " << registry.lake_uri() << "\n";
    return Status::OK();
  }
  const std::string row = "{:<20} {:>7}  {:<15} {:<20} {:>8} {:>10}  {:<19}  {}\n";
  std::cout << fmt::format(fmt::runtime(row), "name", "version", "kind", "aliases", "wape", "naive_wape", "created",
                           "trained_on");
  for (const auto& v : versions) {
    std::cout << fmt::format(fmt::runtime(row), v.name, v.version, v.kind,
                             AliasesOf(v, aliases[v.name].champion, aliases[v.name].challenger),
                             FormatWape(ml::OverallWape(v.metrics_json)),
                             FormatWape(ml::SeasonalNaiveWape(v.metrics_json)), FormatMicros(v.created_at_us),
                             v.trained_on_table.empty() ? "-"
                                                        : fmt::format("{}@v{}", v.trained_on_table,
                                                                      v.trained_on_version));
  }
  return Status::OK();
}

void PrintVersion(const ml::ModelVersion& v, const Aliases& aliases) {
  std::string tags = AliasesOf(v, aliases.champion, aliases.challenger);
  std::cout << "model:       " << v.name << "\n"
            << "version:     " << v.version << (tags.empty() ? "" : " (" + tags + ")") << "\n"
            << "kind:        " << v.kind << "\n"
            << "uri:         " << v.uri << "\n"
            << "created:     " << FormatMicros(v.created_at_us) << " UTC\n"
            << "trained on:  " << (v.trained_on_table.empty() ? "-" : v.trained_on_table)
            << (v.trained_on_version >= 0 ? fmt::format(" version {}", v.trained_on_version) : "") << "\n"
            << "features:    " << fmt::format("{}", fmt::join(v.features, ", ")) << "\n"
            << "params:      " << v.params_json << "\n"
            << "wape:        " << FormatWape(ml::OverallWape(v.metrics_json)) << " (seasonal naive "
            << FormatWape(ml::SeasonalNaiveWape(v.metrics_json)) << ")\n"
            << "metrics:     " << v.metrics_json << "\n";
}

// Without --version: the champion, else the challenger.
Status RunShow(const ModelsFlags& flags, const Config& config) {
  MEDALLION_ASSIGN_OR_RETURN(auto registry, OpenRegistry(flags, config));
  MEDALLION_ASSIGN_OR_RETURN(Aliases aliases, ReadAliases(registry, flags.name));
  ml::ModelVersion shown;
  if (flags.version >= 0) {
    MEDALLION_ASSIGN_OR_RETURN(shown, registry.Get(flags.name, flags.version));
  } else if (aliases.champion || aliases.challenger) {
    shown = aliases.champion ? *aliases.champion : *aliases.challenger;
  } else {
    return Status::NotFound(fmt::format("model '{}' is not in the registry {}", flags.name, registry.lake_uri()));
  }
  if (flags.json) {
    std::cout << VersionJson(shown, aliases).dump(2) << std::endl;
  } else {
    PrintVersion(shown, aliases);
  }
  return Status::OK();
}

int RunPromote(const ModelsFlags& flags, const Config& config) {
  auto margin = config.GetDouble("models.promotion_margin", ml::PromotionGate{}.margin);
  if (!margin.ok()) return ReportError(margin.status());
  if (*margin < 0 || *margin >= 1) {
    return ReportError(Status::InvalidArgument(
        fmt::format("models.promotion_margin must be in [0, 1), got {}", *margin)));
  }
  auto registry = OpenRegistry(flags, config);
  if (!registry.ok()) return ReportError(registry.status());
  auto decision = registry->Promote(flags.name, flags.version >= 0 ? std::optional<int64_t>(flags.version) : std::nullopt,
                                    ml::PromotionGate{.margin = *margin}, flags.force);
  if (!decision.ok()) return ReportError(decision.status());
  if (flags.json) {
    json out = {{"promoted", decision->promoted},
                {"reason", decision->reason},
                {"candidate", ml::ModelVersionToJson(decision->candidate)},
                {"previous_champion", decision->previous_champion
                                          ? ml::ModelVersionToJson(*decision->previous_champion)
                                          : json(nullptr)}};
    std::cout << out.dump(2) << std::endl;
  } else if (decision->promoted) {
    std::cout << fmt::format("promoted {} version {} to champion", flags.name, decision->candidate.version)
              << (decision->previous_champion
                      ? fmt::format(" (was version {})", decision->previous_champion->version)
                      : std::string())
              << "\n  " << decision->reason << std::endl;
  } else {
    std::cout << fmt::format("refused: {} version {} stays {}", flags.name, decision->candidate.version,
                             decision->previous_champion
                                 ? fmt::format("a challenger; champion remains version {}",
                                               decision->previous_champion->version)
                                 : std::string("a challenger; there is no champion"))
              << "\n  " << decision->reason << std::endl;
  }
  return decision->promoted ? 0 : kRefusedExitCode;
}

Status RunRollback(const ModelsFlags& flags, const Config& config) {
  MEDALLION_ASSIGN_OR_RETURN(auto registry, OpenRegistry(flags, config));
  MEDALLION_ASSIGN_OR_RETURN(auto champion, registry.Rollback(flags.name));
  if (flags.json) {
    std::cout << json{{"champion", ml::ModelVersionToJson(champion)}}.dump(2) << std::endl;
  } else {
    std::cout << fmt::format("rolled back {}: champion is version {} again", flags.name, champion.version) << std::endl;
  }
  return Status::OK();
}

struct RegisterFlags {
  std::string file, kind = "xgboost", metrics_file, params = "{}", trained_on_table, features;
  int64_t trained_on_version = -1;
};

Result<std::string> ReadJsonObjectFile(const std::string& path, const std::string& flag) {
  std::ifstream in(path);
  if (!in) return Status::NotFound(fmt::format("{} file '{}' cannot be opened", flag, path));
  std::stringstream text;
  text << in.rdbuf();
  auto doc = json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return Status::InvalidArgument(fmt::format("{} file '{}' is not a JSON object", flag, path));
  return doc.dump();
}

Status RunRegister(const ModelsFlags& flags, const RegisterFlags& r, const Config& config) {
  ml::ModelVersion draft;
  draft.name = flags.name;
  draft.kind = r.kind;
  draft.features = SplitCommaList(r.features);
  auto params = json::parse(r.params, nullptr, /*allow_exceptions=*/false);
  if (!params.is_object()) return Status::InvalidArgument("--params must be a JSON object, got: " + r.params);
  draft.params_json = params.dump();
  draft.trained_on_table = r.trained_on_table;
  draft.trained_on_version = r.trained_on_version;
  if (!r.metrics_file.empty()) {
    MEDALLION_ASSIGN_OR_RETURN(draft.metrics_json, ReadJsonObjectFile(r.metrics_file, "--metrics"));
  }
  MEDALLION_ASSIGN_OR_RETURN(auto registry, OpenRegistry(flags, config));
  MEDALLION_ASSIGN_OR_RETURN(auto registered, registry.Register(draft, r.file));
  if (flags.json) {
    std::cout << ml::ModelVersionToJson(registered).dump(2) << std::endl;
  } else {
    std::cout << fmt::format("registered {} version {} (challenger) at {}", registered.name, registered.version,
                             registered.uri)
              << std::endl;
  }
  return Status::OK();
}

void AddCommonFlags(CLI::App* cmd, ModelsFlags& flags) {
  cmd->add_option("--lake", flags.lake, "Lake root (default: lake.root from config, else ./lake)");
  cmd->add_flag("--json", flags.json, "Print JSON instead of text");
}

}  // namespace

void AddModelsCommands(CLI::App& app, CommandContext& ctx) {
  auto flags = std::make_shared<ModelsFlags>();
  auto* models = app.add_subcommand("models", "The model registry under <lake>/_models: versions, champion, challenger");
  models->require_subcommand(1);

  auto* list = models->add_subcommand("list", "Every registered version with its aliases and backtest WAPE");
  list->add_option("name", flags->name, "Only this model");
  AddCommonFlags(list, *flags);
  list->callback([&ctx, flags] { ctx.run = Guarded([&ctx, flags] { return RunList(*flags, ctx.config); }); });

  auto* show = models->add_subcommand("show", "One version in full (default: the champion, else the challenger)");
  show->add_option("name", flags->name, "Model name")->required();
  show->add_option("--version", flags->version, "Version number");
  AddCommonFlags(show, *flags);
  show->callback([&ctx, flags] { ctx.run = Guarded([&ctx, flags] { return RunShow(*flags, ctx.config); }); });

  auto* promote = models->add_subcommand(
      "promote", "Make a version (default: the challenger) champion if its WAPE beats the champion's and seasonal "
                 "naive's by models.promotion_margin; exit 3 when refused");
  promote->add_option("name", flags->name, "Model name")->required();
  promote->add_option("--version", flags->version, "Version number (default: the challenger)");
  promote->add_flag("--force", flags->force, "Promote even if the gate refuses");
  AddCommonFlags(promote, *flags);
  promote->callback([&ctx, flags] { ctx.run = [&ctx, flags] { return RunPromote(*flags, ctx.config); }; });

  auto* rollback = models->add_subcommand("rollback", "Make the previous champion champion again");
  rollback->add_option("name", flags->name, "Model name")->required();
  AddCommonFlags(rollback, *flags);
  rollback->callback([&ctx, flags] { ctx.run = Guarded([&ctx, flags] { return RunRollback(*flags, ctx.config); }); });

  auto r = std::make_shared<RegisterFlags>();
  auto* reg = models->add_subcommand("register", "Add a model file as the next version (and the challenger)");
  reg->add_option("--name", flags->name, "Model name")->required();
  reg->add_option("--file", r->file, "Model file (XGBoost JSON or medallion model JSON)")->required();
  reg->add_option("--kind", r->kind, "xgboost, ridge or seasonal_naive")->capture_default_str();
  reg->add_option("--metrics", r->metrics_file, "Backtest metrics JSON file ({\"overall\":{\"wape\":..},...})");
  reg->add_option("--params", r->params, "Model params as a JSON object")->capture_default_str();
  reg->add_option("--features", r->features, "Feature names, comma-separated");
  reg->add_option("--trained-on-table", r->trained_on_table, "Table the model was trained on");
  reg->add_option("--trained-on-version", r->trained_on_version, "That table's Delta version");
  AddCommonFlags(reg, *flags);
  reg->callback([&ctx, flags, r] { ctx.run = Guarded([&ctx, flags, r] { return RunRegister(*flags, *r, ctx.config); }); });
}

}  // namespace medallion::cli
