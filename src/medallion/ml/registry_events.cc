#include "medallion/ml/registry_events.h"

#include <arrow/api.h>
#include <fmt/format.h>

#include "medallion/common/arrow_status.h"

namespace medallion::ml {

namespace {

using nlohmann::json;

std::shared_ptr<arrow::DataType> EventTimestamp() { return arrow::timestamp(arrow::TimeUnit::MICRO, "UTC"); }

// Column builders in RegistrySchema() order.
struct EventBuilders {
  arrow::StringBuilder name;
  arrow::Int64Builder seq;
  arrow::StringBuilder event;
  arrow::StringBuilder alias;
  arrow::Int64Builder version;
  arrow::StringBuilder kind;
  arrow::StringBuilder uri;
  arrow::StringBuilder features;
  arrow::StringBuilder params_json;
  arrow::StringBuilder trained_on_table;
  arrow::Int64Builder trained_on_version;
  arrow::StringBuilder metrics_json;
  arrow::TimestampBuilder created_at{EventTimestamp(), arrow::default_memory_pool()};
  arrow::StringBuilder reason;
  arrow::StringBuilder actor;

  arrow::Status Append(const RegistryEvent& e) {
    ARROW_RETURN_NOT_OK(name.Append(e.name));
    ARROW_RETURN_NOT_OK(seq.Append(e.seq));
    ARROW_RETURN_NOT_OK(event.Append(e.event));
    ARROW_RETURN_NOT_OK(alias.Append(e.alias));
    ARROW_RETURN_NOT_OK(version.Append(e.version));
    if (e.registered) {
      const ModelVersion& v = *e.registered;
      ARROW_RETURN_NOT_OK(kind.Append(v.kind));
      ARROW_RETURN_NOT_OK(uri.Append(v.uri));
      ARROW_RETURN_NOT_OK(features.Append(json(v.features).dump()));
      ARROW_RETURN_NOT_OK(params_json.Append(v.params_json));
      ARROW_RETURN_NOT_OK(trained_on_table.Append(v.trained_on_table));
      ARROW_RETURN_NOT_OK(trained_on_version.Append(v.trained_on_version));
      ARROW_RETURN_NOT_OK(metrics_json.Append(v.metrics_json));
    } else {
      for (arrow::ArrayBuilder* b : std::initializer_list<arrow::ArrayBuilder*>{
               &kind, &uri, &features, &params_json, &trained_on_table, &trained_on_version, &metrics_json}) {
        ARROW_RETURN_NOT_OK(b->AppendNull());
      }
    }
    ARROW_RETURN_NOT_OK(created_at.Append(e.created_at_us));
    ARROW_RETURN_NOT_OK(reason.Append(e.reason));
    return actor.Append(e.actor);
  }

  arrow::Result<std::vector<std::shared_ptr<arrow::Array>>> Finish() {
    std::vector<std::shared_ptr<arrow::Array>> columns;
    for (arrow::ArrayBuilder* b : std::initializer_list<arrow::ArrayBuilder*>{
             &name, &seq, &event, &alias, &version, &kind, &uri, &features, &params_json, &trained_on_table,
             &trained_on_version, &metrics_json, &created_at, &reason, &actor}) {
      ARROW_ASSIGN_OR_RAISE(auto array, b->Finish());
      columns.push_back(std::move(array));
    }
    return columns;
  }
};

// Typed access to one column of the registry table, by name.
template <typename ArrayType>
Result<std::shared_ptr<ArrayType>> Column(const arrow::Table& table, const std::string& name) {
  auto chunked = table.GetColumnByName(name);
  if (!chunked) return Status::Corruption(fmt::format("model registry: column '{}' is missing", name));
  MEDALLION_ASSIGN_OR_RETURN_ARROW(auto merged, arrow::Concatenate(chunked->chunks()));
  auto typed = std::dynamic_pointer_cast<ArrayType>(merged);
  if (!typed) {
    return Status::Corruption(
        fmt::format("model registry: column '{}' has type {}", name, chunked->type()->ToString()));
  }
  return typed;
}

std::string StringAt(const arrow::StringArray& a, int64_t i) { return a.IsNull(i) ? "" : a.GetString(i); }

}  // namespace

std::shared_ptr<arrow::Schema> RegistrySchema() {
  return arrow::schema({
      arrow::field("name", arrow::utf8(), false),
      arrow::field("seq", arrow::int64(), false),
      arrow::field("event", arrow::utf8(), false),
      arrow::field("alias", arrow::utf8()),
      arrow::field("version", arrow::int64(), false),
      arrow::field("kind", arrow::utf8()),
      arrow::field("uri", arrow::utf8()),
      arrow::field("features", arrow::utf8()),
      arrow::field("params_json", arrow::utf8()),
      arrow::field("trained_on_table", arrow::utf8()),
      arrow::field("trained_on_version", arrow::int64()),
      arrow::field("metrics_json", arrow::utf8()),
      arrow::field("created_at", EventTimestamp(), false),
      arrow::field("reason", arrow::utf8()),
      arrow::field("actor", arrow::utf8()),
  });
}

Result<std::shared_ptr<arrow::Table>> EventsToArrow(const std::vector<RegistryEvent>& events) {
  EventBuilders builders;
  for (const auto& e : events) MEDALLION_RETURN_IF_ARROW_ERROR(builders.Append(e));
  MEDALLION_ASSIGN_OR_RETURN_ARROW(auto columns, builders.Finish());
  return arrow::Table::Make(RegistrySchema(), columns);
}

Result<std::vector<RegistryEvent>> EventsFromArrow(const arrow::Table& table) {
  using arrow::Int64Array;
  using arrow::StringArray;
  MEDALLION_ASSIGN_OR_RETURN(auto name, Column<StringArray>(table, "name"));
  MEDALLION_ASSIGN_OR_RETURN(auto seq, Column<Int64Array>(table, "seq"));
  MEDALLION_ASSIGN_OR_RETURN(auto event, Column<StringArray>(table, "event"));
  MEDALLION_ASSIGN_OR_RETURN(auto alias, Column<StringArray>(table, "alias"));
  MEDALLION_ASSIGN_OR_RETURN(auto version, Column<Int64Array>(table, "version"));
  MEDALLION_ASSIGN_OR_RETURN(auto kind, Column<StringArray>(table, "kind"));
  MEDALLION_ASSIGN_OR_RETURN(auto uri, Column<StringArray>(table, "uri"));
  MEDALLION_ASSIGN_OR_RETURN(auto features, Column<StringArray>(table, "features"));
  MEDALLION_ASSIGN_OR_RETURN(auto params_json, Column<StringArray>(table, "params_json"));
  MEDALLION_ASSIGN_OR_RETURN(auto trained_on_table, Column<StringArray>(table, "trained_on_table"));
  MEDALLION_ASSIGN_OR_RETURN(auto trained_on_version, Column<Int64Array>(table, "trained_on_version"));
  MEDALLION_ASSIGN_OR_RETURN(auto metrics_json, Column<StringArray>(table, "metrics_json"));
  MEDALLION_ASSIGN_OR_RETURN(auto created_at, Column<arrow::TimestampArray>(table, "created_at"));
  MEDALLION_ASSIGN_OR_RETURN(auto reason, Column<StringArray>(table, "reason"));
  MEDALLION_ASSIGN_OR_RETURN(auto actor, Column<StringArray>(table, "actor"));

  std::vector<RegistryEvent> events;
  events.reserve(table.num_rows());
  for (int64_t i = 0; i < table.num_rows(); ++i) {
    RegistryEvent e;
    e.name = StringAt(*name, i);
    e.seq = seq->Value(i);
    e.event = StringAt(*event, i);
    e.alias = StringAt(*alias, i);
    e.version = version->Value(i);
    e.created_at_us = created_at->Value(i);
    e.reason = StringAt(*reason, i);
    e.actor = StringAt(*actor, i);
    if (e.event == kRegisterEvent) {
      ModelVersion v;
      v.name = e.name;
      v.version = e.version;
      v.kind = StringAt(*kind, i);
      v.uri = StringAt(*uri, i);
      auto parsed = json::parse(StringAt(*features, i), nullptr, /*allow_exceptions=*/false);
      if (!parsed.is_array()) {
        return Status::Corruption(
            fmt::format("model registry: features of {} version {} are not a JSON array", e.name, e.version));
      }
      for (const auto& f : parsed) {
        if (f.is_string()) v.features.push_back(f.get<std::string>());
      }
      v.params_json = StringAt(*params_json, i);
      v.trained_on_table = StringAt(*trained_on_table, i);
      v.trained_on_version = trained_on_version->IsNull(i) ? -1 : trained_on_version->Value(i);
      v.metrics_json = StringAt(*metrics_json, i);
      v.created_at_us = e.created_at_us;
      e.registered = std::move(v);
    }
    events.push_back(std::move(e));
  }
  return events;
}

json ModelVersionToJson(const ModelVersion& v) {
  auto embedded = [](const std::string& text) {
    auto doc = json::parse(text.empty() ? "{}" : text, nullptr, /*allow_exceptions=*/false);
    return doc.is_discarded() ? json(text) : doc;
  };
  return json{{"name", v.name},
              {"version", v.version},
              {"kind", v.kind},
              {"uri", v.uri},
              {"features", v.features},
              {"params", embedded(v.params_json)},
              {"trained_on_table", v.trained_on_table},
              {"trained_on_version", v.trained_on_version},
              {"metrics", embedded(v.metrics_json)},
              {"created_at_us", v.created_at_us}};
}

Result<ModelVersion> ModelVersionFromJson(const json& doc) {
  try {
    ModelVersion v;
    v.name = doc.at("name").get<std::string>();
    v.version = doc.at("version").get<int64_t>();
    v.kind = doc.at("kind").get<std::string>();
    v.uri = doc.value("uri", "");
    v.features = doc.value("features", std::vector<std::string>{});
    v.params_json = doc.value("params", json::object()).dump();
    v.trained_on_table = doc.value("trained_on_table", "");
    v.trained_on_version = doc.value("trained_on_version", int64_t{-1});
    v.metrics_json = doc.value("metrics", json::object()).dump();
    v.created_at_us = doc.value("created_at_us", int64_t{0});
    return v;
  } catch (const json::exception& e) {
    return Status::InvalidArgument(fmt::format("model version document: {}", e.what()));
  }
}

}  // namespace medallion::ml
