// The request and response shapes that routes see. They are plain values, not
// Beast types, so handlers and their tests need no socket and no HTTP parser.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "medallion/common/status.h"
#include "medallion/serve/params.h"

namespace medallion::serve {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };

std::string_view MethodName(Method method);
Method ParseMethod(std::string_view name);

struct Request {
  Method method = Method::kGet;
  std::string path;  // percent-decoded, always starts with '/'
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  std::map<std::string, std::string> headers;              // names lower-case
  std::string body;

  // Filled by the router from the matched route's declared parameters.
  std::map<std::string, std::string> path_params;
  ParamValues params;

  // Header value by lower-case name, "" when absent.
  std::string_view Header(std::string_view lower_name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
};

Response JsonResponse(int status, const nlohmann::json& body);

// {"error": {"code": ..., "message": ..., "field": ...}}; "field" is omitted
// when empty. Messages must never carry stack traces or server paths.
Response ErrorResponse(int status, std::string_view code, std::string_view message, std::string_view field = "");

// The HTTP status a module error maps to (InvalidArgument -> 400, NotFound -> 404...).
int HttpStatusFor(const Status& status);

// The short reason phrase for a status code ("Not Found").
std::string_view ReasonPhrase(int status);

}  // namespace medallion::serve
