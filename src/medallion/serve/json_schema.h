// Small builders for the JSON Schemas in the OpenAPI document, so each route
// states its response shape in a few readable lines. Objects list every
// property as required: the dashboard relies on a stable shape, and a value
// that can be absent is a nullable property instead.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace medallion::serve::schema {

using Json = nlohmann::json;
using Properties = std::vector<std::pair<std::string, Json>>;

Json String();
Json Integer();
Json Number();
Json Boolean();
Json Date();      // "YYYY-MM-DD"
Json DateTime();  // RFC 3339, UTC
Json AnyObject();
Json Array(Json items);
Json Object(const Properties& properties);
// The same schema that also admits null.
Json Nullable(Json schema);
// {"missing": [...]}: the tables an answer would have read but that do not
// exist yet (a fresh lake answers 200 with empty data, never 5xx).
std::pair<std::string, Json> MissingProperty();

}  // namespace medallion::serve::schema
