// GET /api/v1/models, /api/v1/models/{name}; POST .../promote and
// .../rollback (admin token). A promotion the gate refuses is 409 with the
// gate's reason: the request was understood, the registry's state says no.
#include "medallion/serve/models_routes.h"

#include <map>

#include "medallion/serve/json_schema.h"
#include "medallion/serve/route_support.h"

namespace medallion::serve {

namespace {

namespace s = schema;

struct Aliases {
  std::optional<int64_t> champion;
  std::optional<int64_t> challenger;

  std::vector<std::string> Of(int64_t version) const {
    std::vector<std::string> names;
    if (champion == version) names.push_back(ml::kChampionAlias);
    if (challenger == version) names.push_back(ml::kChallengerAlias);
    return names;
  }
};

Result<Aliases> AliasesOf(ModelCatalog& models, const std::string& name) {
  Aliases out;
  MEDALLION_ASSIGN_OR_RETURN(auto champion, models.Alias(name, ml::kChampionAlias));
  MEDALLION_ASSIGN_OR_RETURN(auto challenger, models.Alias(name, ml::kChallengerAlias));
  if (champion) out.champion = champion->version;
  if (challenger) out.challenger = challenger->version;
  return out;
}

Json OptionalVersion(const std::optional<int64_t>& v) { return v ? Json(*v) : Json(); }

ParamSpec ModelNameParam() {
  ParamSpec name = PathParam("name", "Model name, e.g. demand");
  name.max_length = 200;
  return name;
}

Json PromoteBodySchema() {
  return {{"type", "object"},
          {"additionalProperties", false},
          {"properties",
           {{"version", {{"type", "integer"}, {"minimum", 1}, {"description", "Default: the challenger"}}},
            {"force", {{"type", "boolean"}, {"description", "Skip the gate"}}}}}};
}

RouteSpec AdminPost(std::string path, std::string operation_id, std::string summary, Json response) {
  RouteSpec spec;
  spec.method = Method::kPost;
  spec.path = std::move(path);
  spec.operation_id = std::move(operation_id);
  spec.summary = std::move(summary);
  spec.tag = "models";
  spec.admin = true;
  spec.params = {ModelNameParam()};
  spec.responses = {{200, "OK", "application/json", std::move(response)}};
  return spec;
}

// 404 for a model with no versions, so promote/rollback of a typo is not a 409.
Status RequireModel(ModelCatalog& models, const std::string& name) {
  MEDALLION_ASSIGN_OR_RETURN(auto versions, models.List(name));
  if (versions.empty()) return Status::NotFound("no model named " + name);
  return Status::OK();
}

Response Conflict(const std::string& code, const std::string& message) {
  return ErrorResponse(409, code, message);
}

}  // namespace

Status AddModelRoutes(Router& router, std::shared_ptr<ModelCatalog> models) {
  RouteSpec list = GetRoute("/api/v1/models", "listModels", "Registered models with their champion and challenger",
                            "models",
                            s::Object({{"models", s::Array(s::Object({{"name", s::String()},
                                                                       {"versions", s::Integer()},
                                                                       {"latest_version", s::Integer()},
                                                                       {"champion", s::Nullable(s::Integer())},
                                                                       {"challenger", s::Nullable(s::Integer())}}))}}));
  MEDALLION_RETURN_IF_ERROR(router.Add(std::move(list), Guarded([models](const Request&) -> Result<Json> {
    MEDALLION_ASSIGN_OR_RETURN(auto versions, models->List());
    std::map<std::string, std::pair<int64_t, int64_t>> by_name;  // count, latest
    for (const auto& v : versions) {
      auto& [count, latest] = by_name[v.name];
      ++count;
      latest = std::max(latest, v.version);
    }
    Json out = {{"models", Json::array()}};
    for (const auto& [name, stats] : by_name) {
      MEDALLION_ASSIGN_OR_RETURN(Aliases aliases, AliasesOf(*models, name));
      out["models"].push_back({{"name", name},
                               {"versions", stats.first},
                               {"latest_version", stats.second},
                               {"champion", OptionalVersion(aliases.champion)},
                               {"challenger", OptionalVersion(aliases.challenger)}});
    }
    return out;
  })));

  RouteSpec show = GetRoute("/api/v1/models/{name}", "getModel", "Every version of one model, with metrics and aliases",
                            "models",
                            s::Object({{"name", s::String()},
                                       {"champion", s::Nullable(s::Integer())},
                                       {"challenger", s::Nullable(s::Integer())},
                                       {"versions", s::Array(ModelVersionSchema())}}));
  show.params = {ModelNameParam()};
  MEDALLION_RETURN_IF_ERROR(router.Add(std::move(show), Guarded([models](const Request& request) -> Result<Json> {
    const std::string& name = request.path_params.at("name");
    MEDALLION_ASSIGN_OR_RETURN(auto versions, models->List(name));
    if (versions.empty()) return Status::NotFound("no model named " + name);
    MEDALLION_ASSIGN_OR_RETURN(Aliases aliases, AliasesOf(*models, name));
    Json out = {{"name", name},
                {"champion", OptionalVersion(aliases.champion)},
                {"challenger", OptionalVersion(aliases.challenger)},
                {"versions", Json::array()}};
    for (const auto& v : versions) out["versions"].push_back(ModelVersionJson(v, aliases.Of(v.version)));
    return out;
  })));

  RouteSpec promote = AdminPost("/api/v1/models/{name}/promote", "promoteModel",
                                "Make a version (default: the challenger) the champion if it passes the gate",
                                s::Object({{"promoted", s::Boolean()},
                                           {"reason", s::String()},
                                           {"champion", ModelVersionSchema()},
                                           {"previous_champion", s::Nullable(s::Integer())}}));
  promote.request_schema = [] { return PromoteBodySchema(); };
  promote.error_responses = {ErrorSpec(409, "Refused by the promotion gate; error.message gives both WAPEs")};
  MEDALLION_RETURN_IF_ERROR(router.Add(std::move(promote), [models](const Request& request) -> Response {
    Json body = request.body.empty() ? Json::object() : Json::parse(request.body, nullptr, false);
    if (body.is_discarded()) return ErrorResponse(400, "malformed_json", "request body is not valid JSON", "body");
    if (!body.is_object()) return ErrorResponse(400, "invalid_body", "request body must be a JSON object", "body");
    std::optional<int64_t> version;
    bool force = false;
    for (const auto& [key, value] : body.items()) {
      if (key == "version") {
        if (!value.is_number_integer() || value.get<int64_t>() < 1) {
          return ErrorResponse(400, "invalid_body", "must be a positive integer", "version");
        }
        version = value.get<int64_t>();
      } else if (key == "force") {
        if (!value.is_boolean()) return ErrorResponse(400, "invalid_body", "must be a boolean", "force");
        force = value.get<bool>();
      } else {
        return ErrorResponse(400, "invalid_body", "unknown field", key);
      }
    }
    const std::string& name = request.path_params.at("name");
    return Guarded([&](const Request&) -> Result<Json> {
      MEDALLION_RETURN_IF_ERROR(RequireModel(*models, name));
      MEDALLION_ASSIGN_OR_RETURN(auto decision, models->Promote(name, version, force));
      if (!decision.promoted) return Status::Conflict(decision.reason);
      MEDALLION_ASSIGN_OR_RETURN(Aliases aliases, AliasesOf(*models, name));
      return Json{{"promoted", true},
                  {"reason", decision.reason},
                  {"champion", ModelVersionJson(decision.candidate, aliases.Of(decision.candidate.version))},
                  {"previous_champion",
                   decision.previous_champion ? Json(decision.previous_champion->version) : Json()}};
    })(request);
  }));

  RouteSpec rollback = AdminPost("/api/v1/models/{name}/rollback", "rollbackModel",
                                 "Make the previous champion the champion again",
                                 s::Object({{"champion", ModelVersionSchema()}}));
  rollback.error_responses = {ErrorSpec(409, "There is no previous champion to go back to")};
  return router.Add(std::move(rollback), Guarded([models](const Request& request) -> Result<Json> {
    const std::string& name = request.path_params.at("name");
    MEDALLION_RETURN_IF_ERROR(RequireModel(*models, name));
    auto champion = models->Rollback(name);
    if (!champion.ok()) {
      if (champion.status().IsNotFound() || champion.status().IsInvalidArgument()) {
        return Status::Conflict(champion.status().message());
      }
      return champion.status();
    }
    MEDALLION_ASSIGN_OR_RETURN(Aliases aliases, AliasesOf(*models, name));
    return Json{{"champion", ModelVersionJson(*champion, aliases.Of(champion->version))}};
  }));
}

}  // namespace medallion::serve
