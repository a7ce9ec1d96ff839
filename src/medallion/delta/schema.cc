#include "medallion/delta/schema.h"

#include <arrow/api.h>
#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <regex>

namespace medallion::delta {

using nlohmann::json;

namespace {

Result<std::shared_ptr<arrow::DataType>> TypeFromJson(const json& t, const std::string& where);

Result<std::shared_ptr<arrow::Field>> FieldFromJson(const json& f, const std::string& where) {
  if (!f.is_object() || !f.contains("name") || !f.contains("type")) {
    return Status::Corruption(fmt::format("{}: schema field needs 'name' and 'type'", where));
  }
  std::string name = f["name"].get<std::string>();
  MEDALLION_ASSIGN_OR_RETURN(auto type, TypeFromJson(f["type"], where + "." + name));
  bool nullable = f.value("nullable", true);
  std::shared_ptr<arrow::KeyValueMetadata> metadata;
  if (auto it = f.find("metadata"); it != f.end() && it->is_object() && !it->empty()) {
    metadata = arrow::key_value_metadata({"delta.metadata"}, {it->dump()});
  }
  return arrow::field(name, type, nullable, metadata);
}

Result<std::shared_ptr<arrow::DataType>> TypeFromJson(const json& t, const std::string& where) {
  if (t.is_string()) {
    const std::string s = t.get<std::string>();
    if (s == "string") return arrow::utf8();
    if (s == "long") return arrow::int64();
    if (s == "integer") return arrow::int32();
    if (s == "short") return arrow::int16();
    if (s == "byte") return arrow::int8();
    if (s == "float") return arrow::float32();
    if (s == "double") return arrow::float64();
    if (s == "boolean") return arrow::boolean();
    if (s == "binary") return arrow::binary();
    if (s == "date") return arrow::date32();
    if (s == "timestamp") return arrow::timestamp(arrow::TimeUnit::MICRO, "UTC");
    if (s == "timestamp_ntz") return arrow::timestamp(arrow::TimeUnit::MICRO);
    static const std::regex kDecimal(R"(decimal\(\s*(\d+)\s*,\s*(\d+)\s*\))");
    std::smatch m;
    if (std::regex_match(s, m, kDecimal)) return arrow::decimal128(std::stoi(m[1]), std::stoi(m[2]));
    return Status::NotImplemented(fmt::format("{}: unsupported Delta type '{}'", where, s));
  }
  if (!t.is_object() || !t.contains("type")) {
    return Status::Corruption(fmt::format("{}: malformed type {}", where, t.dump()));
  }
  const std::string kind = t["type"].get<std::string>();
  if (kind == "struct") {
    arrow::FieldVector fields;
    for (const auto& f : t.value("fields", json::array())) {
      MEDALLION_ASSIGN_OR_RETURN(auto field, FieldFromJson(f, where));
      fields.push_back(std::move(field));
    }
    return arrow::struct_(fields);
  }
  if (kind == "array") {
    MEDALLION_ASSIGN_OR_RETURN(auto element, TypeFromJson(t.at("elementType"), where + "[]"));
    return arrow::list(arrow::field("element", element, t.value("containsNull", true)));
  }
  if (kind == "map") {
    MEDALLION_ASSIGN_OR_RETURN(auto key, TypeFromJson(t.at("keyType"), where + ".key"));
    MEDALLION_ASSIGN_OR_RETURN(auto value, TypeFromJson(t.at("valueType"), where + ".value"));
    return std::make_shared<arrow::MapType>(arrow::field("key", key, false),
                                            arrow::field("value", value, t.value("valueContainsNull", true)));
  }
  return Status::NotImplemented(fmt::format("{}: unsupported Delta type '{}'", where, kind));
}

Result<json> TypeToJson(const arrow::DataType& type, const std::string& where);

Result<json> FieldToJson(const arrow::Field& f, const std::string& where) {
  MEDALLION_ASSIGN_OR_RETURN(json type, TypeToJson(*f.type(), where + "." + f.name()));
  json metadata = json::object();
  if (f.metadata()) {
    auto found = f.metadata()->Get("delta.metadata");
    if (found.ok()) metadata = json::parse(*found, nullptr, false);
    if (metadata.is_discarded()) metadata = json::object();
  }
  return json{{"name", f.name()}, {"type", type}, {"nullable", f.nullable()}, {"metadata", metadata}};
}

Result<json> TypeToJson(const arrow::DataType& type, const std::string& where) {
  using arrow::Type;
  switch (type.id()) {
    case Type::STRING:
    case Type::LARGE_STRING:
    case Type::STRING_VIEW:
      return json("string");
    case Type::INT64: return json("long");
    case Type::INT32: return json("integer");
    case Type::INT16: return json("short");
    case Type::INT8: return json("byte");
    case Type::UINT8: return json("short");
    case Type::UINT16: return json("integer");
    case Type::UINT32: return json("long");
    case Type::FLOAT: return json("float");
    case Type::DOUBLE: return json("double");
    case Type::BOOL: return json("boolean");
    case Type::BINARY:
    case Type::LARGE_BINARY:
    case Type::BINARY_VIEW:
      return json("binary");
    case Type::DATE32:
    case Type::DATE64:
      return json("date");
    case Type::TIMESTAMP: return json("timestamp");
    case Type::DECIMAL128: {
      const auto& d = static_cast<const arrow::Decimal128Type&>(type);
      return json(fmt::format("decimal({},{})", d.precision(), d.scale()));
    }
    case Type::STRUCT: {
      json fields = json::array();
      for (const auto& f : type.fields()) {
        MEDALLION_ASSIGN_OR_RETURN(json fj, FieldToJson(*f, where));
        fields.push_back(std::move(fj));
      }
      return json{{"type", "struct"}, {"fields", fields}};
    }
    case Type::LIST:
    case Type::LARGE_LIST: {
      const auto& value_field = type.field(0);
      MEDALLION_ASSIGN_OR_RETURN(json element, TypeToJson(*value_field->type(), where + "[]"));
      return json{{"type", "array"}, {"elementType", element}, {"containsNull", value_field->nullable()}};
    }
    case Type::MAP: {
      const auto& m = static_cast<const arrow::MapType&>(type);
      MEDALLION_ASSIGN_OR_RETURN(json key, TypeToJson(*m.key_type(), where + ".key"));
      MEDALLION_ASSIGN_OR_RETURN(json value, TypeToJson(*m.item_type(), where + ".value"));
      return json{{"type", "map"}, {"keyType", key}, {"valueType", value},
                  {"valueContainsNull", m.item_field()->nullable()}};
    }
    default:
      return Status::InvalidArgument(
          fmt::format("column '{}': Arrow type {} has no Delta equivalent", where, type.ToString()));
  }
}

}  // namespace

Result<std::shared_ptr<arrow::Schema>> SchemaFromSparkJson(const std::string& schema_string) {
  json j = json::parse(schema_string, nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.value("type", "") != "struct") {
    return Status::Corruption("schemaString is not a Spark struct schema");
  }
  arrow::FieldVector fields;
  for (const auto& f : j.value("fields", json::array())) {
    MEDALLION_ASSIGN_OR_RETURN(auto field, FieldFromJson(f, "schema"));
    fields.push_back(std::move(field));
  }
  return arrow::schema(fields);
}

Result<std::string> SchemaToSparkJson(const arrow::Schema& schema) {
  json fields = json::array();
  for (const auto& f : schema.fields()) {
    MEDALLION_ASSIGN_OR_RETURN(json fj, FieldToJson(*f, ""));
    // Top-level names carry no leading '.'.
    fields.push_back(std::move(fj));
  }
  return json{{"type", "struct"}, {"fields", fields}}.dump();
}

Result<std::shared_ptr<arrow::Schema>> CanonicalSchema(const arrow::Schema& schema) {
  MEDALLION_ASSIGN_OR_RETURN(std::string spark, SchemaToSparkJson(schema));
  MEDALLION_ASSIGN_OR_RETURN(auto canonical, SchemaFromSparkJson(spark));
  // Keep the caller's nullability and metadata; only types are normalised.
  return canonical;
}

Result<std::shared_ptr<arrow::Schema>> ParseSchemaSpec(const std::string& spec) {
  if (!spec.empty() && spec.front() == '{') return SchemaFromSparkJson(spec);
  arrow::FieldVector fields;
  size_t start = 0;
  while (start <= spec.size()) {
    size_t end = spec.find(',', start);
    if (end == std::string::npos) end = spec.size();
    std::string item = spec.substr(start, end - start);
    start = end + 1;
    auto trim = [](std::string s) {
      s.erase(0, s.find_first_not_of(" \t"));
      s.erase(s.find_last_not_of(" \t") + 1);
      return s;
    };
    item = trim(item);
    if (item.empty()) {
      if (end == spec.size()) break;
      continue;
    }
    auto colon = item.find(':');
    if (colon == std::string::npos) {
      return Status::InvalidArgument(fmt::format("schema item '{}' must be name:type", item));
    }
    std::string name = trim(item.substr(0, colon));
    std::string type_name = trim(item.substr(colon + 1));
    if (type_name == "int" || type_name == "int32") type_name = "integer";
    if (type_name == "int64" || type_name == "bigint") type_name = "long";
    if (type_name == "bool") type_name = "boolean";
    if (type_name == "str" || type_name == "utf8") type_name = "string";
    if (type_name == "float64") type_name = "double";
    if (type_name == "float32") type_name = "float";
    auto type = TypeFromJson(json(type_name), name);
    if (!type.ok()) {
      return Status::InvalidArgument(fmt::format("column '{}': unknown type '{}'", name, type_name));
    }
    fields.push_back(arrow::field(name, *type));
    if (end == spec.size()) break;
  }
  if (fields.empty()) return Status::InvalidArgument("schema is empty");
  return arrow::schema(fields);
}

Result<std::shared_ptr<arrow::Schema>> DataFileSchema(const arrow::Schema& table_schema,
                                                       const std::vector<std::string>& partition_columns) {
  arrow::FieldVector fields;
  for (const auto& f : table_schema.fields()) {
    if (std::find(partition_columns.begin(), partition_columns.end(), f->name()) == partition_columns.end()) {
      fields.push_back(f);
    }
  }
  return arrow::schema(fields);
}

}  // namespace medallion::delta
