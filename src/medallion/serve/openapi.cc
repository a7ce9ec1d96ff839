#include "medallion/serve/openapi.h"

#include <cctype>

namespace medallion::serve {

namespace {

std::string LowerMethod(Method m) {
  std::string name(MethodName(m));
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

nlohmann::json ResponseObject(const ResponseSpec& r) {
  nlohmann::json obj = {{"description", r.description.empty() ? std::string(ReasonPhrase(r.status)) : r.description}};
  if (!r.content_type.empty()) {
    nlohmann::json media = nlohmann::json::object();
    if (!r.schema.is_null()) media["schema"] = r.schema;
    obj["content"][r.content_type] = std::move(media);
  }
  return obj;
}

}  // namespace

nlohmann::json BuildOpenApi(const Router& router, const ApiInfo& info) {
  nlohmann::json doc = {
      {"openapi", "3.1.0"},
      {"info", {{"title", info.title}, {"version", info.version}, {"description", info.description}}},
      {"paths", nlohmann::json::object()},
      {"components",
       {{"schemas", {{"Error", ErrorSchema()}}},
        {"securitySchemes", {{"adminToken", {{"type", "http"}, {"scheme", "bearer"}}}}}}},
  };
  for (const auto& route : router.routes()) {
    const RouteSpec& spec = route.spec;
    nlohmann::json op = {{"operationId", spec.operation_id}, {"summary", spec.summary}};
    if (!spec.tag.empty()) op["tags"] = {spec.tag};
    if (!spec.params.empty()) {
      nlohmann::json params = nlohmann::json::array();
      for (const auto& p : spec.params) {
        nlohmann::json param = {{"name", p.name},
                                {"in", p.in == ParamIn::kPath ? "path" : "query"},
                                {"required", p.in == ParamIn::kPath || p.required},
                                {"schema", p.Schema()}};
        if (!p.description.empty()) param["description"] = p.description;
        params.push_back(std::move(param));
      }
      op["parameters"] = std::move(params);
    }
    if (spec.request_schema) {
      op["requestBody"] = {{"required", true}, {"content", {{"application/json", {{"schema", spec.request_schema()}}}}}};
    }
    nlohmann::json responses = nlohmann::json::object();
    for (const auto& r : spec.responses) responses[std::to_string(r.status)] = ResponseObject(r);
    for (auto r : StandardErrorResponses(spec)) {
      if (r.schema == ErrorSchema()) r.schema = {{"$ref", "#/components/schemas/Error"}};
      if (!responses.contains(std::to_string(r.status))) {
        responses[std::to_string(r.status)] = ResponseObject(r);
      }
    }
    op["responses"] = std::move(responses);
    if (spec.admin) op["security"] = {{{"adminToken", nlohmann::json::array()}}};
    doc["paths"][spec.path][LowerMethod(spec.method)] = std::move(op);
  }
  return doc;
}

}  // namespace medallion::serve
