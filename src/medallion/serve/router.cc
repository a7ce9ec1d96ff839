#include "medallion/serve/router.h"

#include <cctype>
#include <exception>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "medallion/serve/url.h"

namespace medallion::serve {

namespace {

bool IsParamSegment(std::string_view s) { return s.size() > 2 && s.front() == '{' && s.back() == '}'; }

bool IsJsonContentType(std::string_view content_type) {
  std::string_view media = content_type.substr(0, content_type.find(';'));
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  std::string lower(media);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower == "application/json" || (lower.size() > 5 && lower.ends_with("+json"));
}

// Runs a handler. An exception is logged, naming the handler (`what()`,
// called only then: this is every request's path), and becomes nullopt: the
// caller answers 500 without a stack trace or path.
template <typename Describe, typename Handler>
auto Guarded(Describe&& what, Handler&& handler) -> std::optional<decltype(handler())> {
  try {
    return handler();
  } catch (const std::exception& e) {
    spdlog::error("{} threw: {}", what(), e.what());
  } catch (...) {
    spdlog::error("{} threw a non-standard exception", what());
  }
  return std::nullopt;
}

}  // namespace

Status Router::Add(RouteSpec spec, Handler handler, BatchHandler batch) {
  if (spec.path.empty() || spec.path.front() != '/') {
    return Status::InvalidArgument("route path must start with '/': " + spec.path);
  }
  Route route;
  std::set<std::string> template_params;
  for (std::string_view segment : SplitPath(spec.path)) {
    if (segment.find_first_of("{}") != std::string_view::npos && !IsParamSegment(segment)) {
      return Status::InvalidArgument("malformed path parameter in route " + spec.path);
    }
    if (IsParamSegment(segment)) template_params.insert(std::string(segment.substr(1, segment.size() - 2)));
    route.segments.emplace_back(segment);
  }
  std::set<std::string> declared;
  for (const auto& p : spec.params) {
    if (p.in == ParamIn::kPath) declared.insert(p.name);
  }
  if (declared != template_params) {
    return Status::InvalidArgument("route " + spec.path + ": path parameters in the template and the declarations differ");
  }
  for (const auto& existing : routes_) {
    if (existing.spec.method == spec.method && existing.spec.path == spec.path) {
      return Status::InvalidArgument("duplicate route " + std::string(MethodName(spec.method)) + " " + spec.path);
    }
  }
  if (spec.operation_id.empty()) return Status::InvalidArgument("route " + spec.path + " has no operation_id");
  route.spec = std::move(spec);
  route.handler = std::move(handler);
  route.batch_handler = std::move(batch);
  routes_.push_back(std::move(route));
  return Status::OK();
}

int Router::Match(const Route& route, const std::vector<std::string_view>& segments,
                  std::map<std::string, std::string>* params) {
  if (route.segments.size() != segments.size()) return -1;
  int literals = 0;
  std::map<std::string, std::string> found;
  for (size_t i = 0; i < segments.size(); ++i) {
    const std::string& pattern = route.segments[i];
    if (IsParamSegment(pattern)) {
      if (segments[i].empty()) return -1;
      found[pattern.substr(1, pattern.size() - 2)] = std::string(segments[i]);
    } else if (pattern == segments[i]) {
      ++literals;
    } else {
      return -1;
    }
  }
  *params = std::move(found);
  return literals;
}

Dispatched Router::Dispatch(Request request) const {
  auto resolved = Resolve(request);
  if (auto* done = std::get_if<Dispatched>(&resolved)) return std::move(*done);
  return Call(*std::get<const Route*>(resolved), request);
}

std::vector<Dispatched> Router::DispatchAll(std::vector<Request> requests) const {
  std::vector<Dispatched> out(requests.size());
  // Requests of each batching route, in arrival order, and where they came from.
  std::map<const Route*, std::pair<std::vector<Request>, std::vector<size_t>>> batches;
  for (size_t i = 0; i < requests.size(); ++i) {
    auto resolved = Resolve(requests[i]);
    if (auto* done = std::get_if<Dispatched>(&resolved)) {
      out[i] = std::move(*done);
      continue;
    }
    const Route* route = std::get<const Route*>(resolved);
    if (!route->batch_handler || requests.size() == 1) {
      out[i] = Call(*route, requests[i]);
      continue;
    }
    auto& [batch, positions] = batches[route];
    batch.push_back(std::move(requests[i]));
    positions.push_back(i);
  }
  for (auto& [route, batch] : batches) {
    auto& [batch_requests, positions] = batch;
    std::vector<Response> responses =
        Guarded([&] { return fmt::format("batch handler for {} {}", MethodName(route->spec.method), route->spec.path); },
                [&] { return route->batch_handler(batch_requests); })
            .value_or(std::vector<Response>{});
    if (responses.size() != positions.size()) {
      if (!responses.empty()) {
        spdlog::error("batch handler for {} answered {} of {} requests", route->spec.path, responses.size(),
                      positions.size());
      }
      responses.assign(positions.size(), ErrorResponse(500, "internal", "internal error"));
    }
    for (size_t k = 0; k < positions.size(); ++k) out[positions[k]] = {std::move(responses[k]), route->spec.path};
  }
  return out;
}

std::variant<const Route*, Dispatched> Router::Resolve(Request& request) const {
  const auto segments = SplitPath(request.path);
  const Route* best_path_match = nullptr;
  const Route* best = nullptr;
  int best_score = -1;
  int best_path_score = -1;
  std::map<std::string, std::string> best_params;
  std::set<std::string> allowed;
  for (const auto& route : routes_) {
    std::map<std::string, std::string> params;
    int score = Match(route, segments, &params);
    if (score < 0) continue;
    if (score > best_path_score) {
      best_path_score = score;
      best_path_match = &route;
    }
    if (route.spec.method == request.method && score > best_score) {
      best_score = score;
      best = &route;
      best_params = std::move(params);
    }
  }
  if (best == nullptr && best_path_match != nullptr) {
    // Allow lists the methods of the most specific template that matched.
    for (const auto& route : routes_) {
      if (route.spec.path == best_path_match->spec.path) allowed.insert(std::string(MethodName(route.spec.method)));
    }
  }

  if (best == nullptr) {
    bool is_api = request.path == "/api" || request.path.starts_with("/api/");
    if (allowed.empty() && fallback_ && !is_api &&
        (request.method == Method::kGet || request.method == Method::kHead)) {
      auto response = Guarded([] { return std::string("static file handler"); }, [&] { return fallback_(request); });
      return Dispatched{response ? std::move(*response) : ErrorResponse(500, "internal", "internal error"), "static"};
    }
    if (!allowed.empty()) {
      std::string allow;
      for (const auto& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
      Response response = ErrorResponse(405, "method_not_allowed",
                                        std::string(MethodName(request.method)) + " is not allowed here; use " + allow);
      response.headers.emplace_back("Allow", allow);
      return Dispatched{std::move(response), best_path_match->spec.path};
    }
    return Dispatched{ErrorResponse(404, "not_found", "no route for this path"), "unmatched"};
  }

  const RouteSpec& spec = best->spec;
  if (spec.admin) {
    switch (auth_.Check(request.Header("authorization"))) {
      case AuthOutcome::kAllowed: break;
      case AuthOutcome::kMissing: {
        Response response = ErrorResponse(401, "unauthenticated", "admin route: send Authorization: Bearer <token>",
                                          "Authorization");
        response.headers.emplace_back("WWW-Authenticate", "Bearer");
        return Dispatched{std::move(response), spec.path};
      }
      case AuthOutcome::kDenied:
        return Dispatched{ErrorResponse(403, "forbidden", "admin token not accepted", "Authorization"), spec.path};
    }
  }

  auto validated = ValidateParams(spec.params, best_params, request.query);
  if (auto* error = std::get_if<ParamError>(&validated)) {
    return Dispatched{ErrorResponse(400, "invalid_parameter", error->field + " " + error->message, error->field), spec.path};
  }
  request.params = std::get<ParamValues>(std::move(validated));
  request.path_params = std::move(best_params);

  if (spec.request_schema) {
    std::string_view content_type = request.Header("content-type");
    if (!content_type.empty() && !IsJsonContentType(content_type)) {
      return Dispatched{ErrorResponse(415, "unsupported_media_type", "request body must be application/json",
                                      "Content-Type"),
                        spec.path};
    }
  }
  return best;
}

Dispatched Router::Call(const Route& route, const Request& request) {
  const RouteSpec& spec = route.spec;
  auto response = Guarded([&] { return fmt::format("handler for {} {}", MethodName(spec.method), spec.path); },
                          [&] { return route.handler(request); });
  return {response ? std::move(*response) : ErrorResponse(500, "internal", "internal error"), spec.path};
}

nlohmann::json ErrorSchema() {
  return {
      {"type", "object"},
      {"required", {"error"}},
      {"properties",
       {{"error",
         {{"type", "object"},
          {"required", {"code", "message"}},
          {"properties",
           {{"code", {{"type", "string"}}}, {"message", {{"type", "string"}}}, {"field", {{"type", "string"}}}}}}}}},
  };
}

std::vector<ResponseSpec> StandardErrorResponses(const RouteSpec& spec) {
  std::vector<ResponseSpec> errors;
  bool has_path_params = false;
  for (const auto& p : spec.params) has_path_params = has_path_params || p.in == ParamIn::kPath;
  if (!spec.params.empty() || spec.request_schema) {
    errors.push_back(ErrorSpec(400, "Invalid parameter or body; error.field names it"));
  }
  if (spec.admin) {
    errors.push_back(ErrorSpec(401, "Missing admin bearer token"));
    errors.push_back(ErrorSpec(403, "Wrong admin bearer token"));
  }
  if (has_path_params) errors.push_back(ErrorSpec(404, "Not found"));
  if (spec.request_schema) {
    errors.push_back(ErrorSpec(413, "Body too large"));
    errors.push_back(ErrorSpec(415, "Body is not application/json"));
  }
  for (const auto& e : spec.error_responses) errors.push_back(e);
  return errors;
}

ResponseSpec ErrorSpec(int status, std::string description) {
  return {status, std::move(description), "application/json", ErrorSchema()};
}

}  // namespace medallion::serve
