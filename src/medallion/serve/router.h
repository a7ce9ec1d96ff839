// Routes: method + path template ("/api/v1/models/{name}") + declared
// parameters, body and responses. The router matches, authenticates admin
// routes, validates parameters, then calls the handler; its declarations are
// what the OpenAPI document is generated from, so the spec cannot drift from
// what is served.
#pragma once

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "medallion/common/status.h"
#include "medallion/serve/admin_auth.h"
#include "medallion/serve/http_message.h"
#include "medallion/serve/params.h"

namespace medallion::serve {

struct ResponseSpec {
  int status = 200;
  std::string description;
  std::string content_type = "application/json";  // "" for no body
  nlohmann::json schema;                          // null: any
};

// Called when the spec is generated, so a body schema may follow live state
// (e.g. the champion model's feature names).
using SchemaProvider = std::function<nlohmann::json()>;

struct RouteSpec {
  Method method = Method::kGet;
  std::string path;  // template; "{name}" segments are path parameters
  std::string operation_id;
  std::string summary;
  std::string tag;
  std::vector<ParamSpec> params;
  SchemaProvider request_schema;  // empty: the route takes no body
  std::vector<ResponseSpec> responses;  // success responses; errors are added
  std::vector<ResponseSpec> error_responses;  // route-specific errors (e.g. 503)
  bool admin = false;  // requires the admin bearer token
};

using Handler = std::function<Response(const Request&)>;

// Several requests of one route at once, already matched, authenticated and
// validated like any other: one response per request, in order. For routes
// whose work has a per-call cost worth sharing (one XGBoost call for the rows
// of every predict request that arrived together).
using BatchHandler = std::function<std::vector<Response>(std::span<const Request>)>;

struct Route {
  RouteSpec spec;
  Handler handler;
  BatchHandler batch_handler;  // optional
  std::vector<std::string> segments;  // template split on '/'
};

// What Dispatch did: the response and the route label for metrics (the
// template, never the raw path, to keep label cardinality bounded).
struct Dispatched {
  Response response;
  std::string route;
};

class Router {
 public:
  explicit Router(AdminAuth auth = AdminAuth()) : auth_(std::move(auth)) {}

  // InvalidArgument for a malformed template or a duplicate method + path.
  // `batch`, if given, must answer each request as `handler` would.
  Status Add(RouteSpec spec, Handler handler, BatchHandler batch = {});

  // Handles GET/HEAD requests that match no route outside /api/ (the
  // dashboard's static files).
  void SetFallback(Handler fallback) { fallback_ = std::move(fallback); }

  // Never throws: a handler exception becomes a 500 with no details.
  Dispatched Dispatch(Request request) const;

  // The requests that arrived together (one event-loop turn), answered as
  // Dispatch answers each, except that those of a route with a batch
  // handler go to it in one call. Responses are in request order.
  std::vector<Dispatched> DispatchAll(std::vector<Request> requests) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  // Matches path segments against a template; fills params. Returns the
  // number of literal segments matched (more literals = more specific), or -1.
  static int Match(const Route& route, const std::vector<std::string_view>& segments,
                   std::map<std::string, std::string>* params);

  // Matches, authenticates and validates `request` (filling its params):
  // the route to call, or the response that ends it here (404, 401, 400...).
  std::variant<const Route*, Dispatched> Resolve(Request& request) const;
  static Dispatched Call(const Route& route, const Request& request);

  std::vector<Route> routes_;
  Handler fallback_;
  AdminAuth auth_;
};

// The standard error responses a route can produce (400 for declared params,
// 401/403 for admin, 413/415 for bodies...), for the spec.
std::vector<ResponseSpec> StandardErrorResponses(const RouteSpec& spec);

// Schema of {"error": {...}}.
nlohmann::json ErrorSchema();

// An error response with the error schema.
ResponseSpec ErrorSpec(int status, std::string description);

}  // namespace medallion::serve
