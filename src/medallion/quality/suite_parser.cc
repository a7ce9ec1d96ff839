#include "medallion/quality/suite_parser.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>

#include "medallion/quality/expectation_catalog.h"

namespace medallion::quality {
namespace {

enum class Flavor { kGreatExpectations, kNative };

// Keys of an expectation object that are not kwargs when kwargs sit at the
// top level (1.x model dumps, native YAML).
constexpr std::array<std::string_view, 10> kExpectationEnvelopeKeys = {
    "type", "expectation_type", "id", "ge_cloud_id", "meta", "notes", "severity", "rendered_content", "action",
    "kwargs"};

bool IsEnvelopeKey(std::string_view key) {
  return std::find(kExpectationEnvelopeKeys.begin(), kExpectationEnvelopeKeys.end(), key) !=
         kExpectationEnvelopeKeys.end();
}

// An action override in meta: {"action": "drop"} or {"medallion": {"action": "drop"}}.
Result<std::optional<Action>> ActionFromMeta(const Json& meta, std::string_view key, const std::string& where) {
  const Json* value = nullptr;
  if (meta.is_object() && meta.contains(key)) value = &meta[std::string(key)];
  if (meta.is_object() && meta.contains("medallion") && meta["medallion"].is_object() &&
      meta["medallion"].contains(key)) {
    value = &meta["medallion"][std::string(key)];
  }
  if (value == nullptr || value->is_null()) return std::optional<Action>();
  if (!value->is_string()) return Status::InvalidArgument(where + ": meta." + std::string(key) + " must be a string");
  auto action = ParseAction(value->get<std::string>());
  if (!action.ok()) return action.status().WithContext(where + ": meta." + std::string(key));
  return std::optional<Action>(*action);
}

Result<Expectation> BuildExpectation(const Json& obj, Flavor flavor, Action default_action, const std::string& where) {
  if (!obj.is_object()) return Status::InvalidArgument(where + ": an expectation must be a mapping");
  Expectation e;
  const char* type_key = obj.contains("expectation_type") ? "expectation_type" : "type";
  if (!obj.contains(type_key) || !obj[type_key].is_string()) {
    return Status::InvalidArgument(where + ": missing expectation type (key 'type' or 'expectation_type')");
  }
  e.type = obj[type_key].get<std::string>();

  if (obj.contains("kwargs")) {
    if (!obj["kwargs"].is_object()) return Status::InvalidArgument(where + " (" + e.type + "): 'kwargs' must be a mapping");
    e.kwargs = obj["kwargs"];
    for (const auto& [key, value] : obj.items()) {
      if (!IsEnvelopeKey(key)) {
        return Status::InvalidArgument(where + " (" + e.type + "): unexpected key '" + key +
                                       "' next to 'kwargs' (put it inside kwargs)");
      }
    }
  } else {
    e.kwargs = Json::object();
    for (const auto& [key, value] : obj.items()) {
      if (!IsEnvelopeKey(key)) e.kwargs[key] = value;
    }
  }
  // GE 0.x spelled the type-name kwarg "type"; 1.x uses "type_".
  if (e.kwargs.contains("type") && !e.kwargs.contains("type_")) {
    e.kwargs["type_"] = e.kwargs["type"];
    e.kwargs.erase("type");
  }

  if (obj.contains("meta")) {
    if (!obj["meta"].is_null() && !obj["meta"].is_object()) {
      return Status::InvalidArgument(where + " (" + e.type + "): 'meta' must be a mapping");
    }
    if (obj["meta"].is_object()) e.meta = obj["meta"];
  }

  MEDALLION_RETURN_IF_ERROR(CheckExpectation(e, where));
  if (e.kwargs.contains("column")) e.column = e.kwargs["column"].get<std::string>();
  if (e.kwargs.contains("mostly")) e.mostly = e.kwargs["mostly"].get<double>();

  e.action = default_action;
  if (flavor == Flavor::kNative && obj.contains("action")) {
    if (!obj["action"].is_string()) return Status::InvalidArgument(where + " (" + e.type + "): 'action' must be a string");
    auto action = ParseAction(obj["action"].get<std::string>());
    if (!action.ok()) return action.status().WithContext(where + " (" + e.type + ")");
    e.action = *action;
  } else if (flavor == Flavor::kGreatExpectations && obj.contains("action")) {
    return Status::InvalidArgument(where + " (" + e.type + "): put 'action' under meta in a Great Expectations suite");
  }
  MEDALLION_ASSIGN_OR_RETURN(auto from_meta, ActionFromMeta(e.meta, "action", where + " (" + e.type + ")"));
  if (from_meta) e.action = *from_meta;
  return e;
}

Status ParseExpectations(const Json& list, Flavor flavor, const std::string& source, Suite& suite) {
  if (!list.is_array()) return Status::InvalidArgument(source + ": 'expectations' must be a list");
  for (size_t i = 0; i < list.size(); ++i) {
    std::string where = source + ": expectations[" + std::to_string(i) + "]";
    MEDALLION_ASSIGN_OR_RETURN(auto e, BuildExpectation(list[i], flavor, suite.default_action, where));
    suite.expectations.push_back(std::move(e));
  }
  return Status::OK();
}

// yaml-cpp leaves scalars untyped; resolve them the way YAML 1.2's core schema
// does, except that quoted scalars always stay strings.
Json YamlScalarToJson(const YAML::Node& node) {
  const std::string& text = node.Scalar();
  if (node.Tag() == "!") return text;  // quoted
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") return nullptr;
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  int64_t i = 0;
  auto [iptr, iec] = std::from_chars(text.data(), text.data() + text.size(), i);
  if (iec == std::errc() && iptr == text.data() + text.size()) return i;
  double d = 0;
  auto [dptr, dec] = std::from_chars(text.data(), text.data() + text.size(), d);
  if (dec == std::errc() && dptr == text.data() + text.size()) return d;
  return text;
}

Json YamlToJson(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Scalar:
      return YamlScalarToJson(node);
    case YAML::NodeType::Sequence: {
      Json out = Json::array();
      for (const auto& item : node) out.push_back(YamlToJson(item));
      return out;
    }
    case YAML::NodeType::Map: {
      Json out = Json::object();
      for (const auto& kv : node) out[kv.first.as<std::string>()] = YamlToJson(kv.second);
      return out;
    }
  }
  return nullptr;
}

}  // namespace

Result<Suite> ParseGreatExpectationsSuite(std::string_view json_text, std::string_view source_view) {
  std::string source(source_view);
  Json doc;
  try {
    doc = Json::parse(json_text);
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidArgument(source + ": not valid JSON: " + e.what());
  }
  if (!doc.is_object()) return Status::InvalidArgument(source + ": a suite must be a JSON object");
  Suite suite;
  if (doc.contains("expectation_suite_name") && doc["expectation_suite_name"].is_string()) {
    suite.name = doc["expectation_suite_name"].get<std::string>();
  } else if (doc.contains("name") && doc["name"].is_string()) {
    suite.name = doc["name"].get<std::string>();
  } else {
    return Status::InvalidArgument(source + ": missing suite name ('name' in GE 1.x, 'expectation_suite_name' in 0.x)");
  }
  if (doc.contains("meta") && doc["meta"].is_object()) suite.meta = doc["meta"];
  MEDALLION_ASSIGN_OR_RETURN(auto default_action, ActionFromMeta(suite.meta, "default_action", source));
  if (default_action) suite.default_action = *default_action;
  if (!doc.contains("expectations")) return Status::InvalidArgument(source + ": missing 'expectations'");
  MEDALLION_RETURN_IF_ERROR(ParseExpectations(doc["expectations"], Flavor::kGreatExpectations, source, suite));
  return suite;
}

Result<Suite> ParseNativeSuite(std::string_view yaml_text, std::string_view source_view) {
  std::string source(source_view);
  Json doc;
  try {
    doc = YamlToJson(YAML::Load(std::string(yaml_text)));
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(source + ": not valid YAML: " + e.what());
  }
  if (!doc.is_object()) return Status::InvalidArgument(source + ": a suite must be a YAML mapping");
  for (const auto& [key, value] : doc.items()) {
    if (key != "name" && key != "default_action" && key != "expectations" && key != "meta" && key != "description") {
      return Status::InvalidArgument(source + ": unknown key '" + key +
                                     "' (expected name, default_action, expectations, meta, description)");
    }
  }
  Suite suite;
  if (!doc.contains("name") || !doc["name"].is_string()) return Status::InvalidArgument(source + ": missing 'name'");
  suite.name = doc["name"].get<std::string>();
  if (doc.contains("meta") && doc["meta"].is_object()) suite.meta = doc["meta"];
  if (doc.contains("default_action")) {
    if (!doc["default_action"].is_string()) return Status::InvalidArgument(source + ": 'default_action' must be a string");
    auto action = ParseAction(doc["default_action"].get<std::string>());
    if (!action.ok()) return action.status().WithContext(source + ": default_action");
    suite.default_action = *action;
  }
  if (!doc.contains("expectations")) return Status::InvalidArgument(source + ": missing 'expectations'");
  MEDALLION_RETURN_IF_ERROR(ParseExpectations(doc["expectations"], Flavor::kNative, source, suite));
  return suite;
}

Result<Suite> ParseSuite(std::string_view text, std::string_view source) {
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && text[first] == '{') return ParseGreatExpectationsSuite(text, source);
  return ParseNativeSuite(text, source);
}

Result<Suite> LoadSuiteFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot open suite file " + path + ": " + std::strerror(errno));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return ParseSuite(buffer.str(), path);
}

}  // namespace medallion::quality
