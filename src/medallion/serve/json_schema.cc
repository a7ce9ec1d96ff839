#include "medallion/serve/json_schema.h"

namespace medallion::serve::schema {

Json String() { return {{"type", "string"}}; }
Json Integer() { return {{"type", "integer"}}; }
Json Number() { return {{"type", "number"}}; }
Json Boolean() { return {{"type", "boolean"}}; }
Json Date() { return {{"type", "string"}, {"format", "date"}}; }
Json DateTime() { return {{"type", "string"}, {"format", "date-time"}}; }
Json AnyObject() { return {{"type", "object"}}; }
Json Array(Json items) { return {{"type", "array"}, {"items", std::move(items)}}; }

Json Object(const Properties& properties) {
  Json props = Json::object();
  Json required = Json::array();
  for (const auto& [name, s] : properties) {
    props[name] = s;
    required.push_back(name);
  }
  return {{"type", "object"}, {"required", std::move(required)}, {"properties", std::move(props)}};
}

Json Nullable(Json schema) {
  auto type = schema.find("type");
  if (type == schema.end()) return {{"anyOf", {std::move(schema), {{"type", "null"}}}}};
  if (type->is_string()) {
    *type = Json::array({*type, "null"});
  } else if (type->is_array()) {
    type->push_back("null");
  }
  return schema;
}

std::pair<std::string, Json> MissingProperty() {
  return {"missing", Array(String())};
}

}  // namespace medallion::serve::schema
