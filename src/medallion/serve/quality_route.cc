// GET /api/v1/quality: the latest result and the pass rate of every
// expectation (gold/quality_metrics, one row per expectation per validated
// batch), quarantined rows by rule over every silver/*_quarantine table, and
// a few recent samples of them.
#include <algorithm>
#include <map>

#include "medallion/serve/data_routes.h"
#include "medallion/serve/route_support.h"

namespace medallion::serve {

namespace {

namespace s = schema;

constexpr size_t kSamples = 20;
constexpr size_t kSampleValueBytes = 300;
constexpr const char* kQuarantineSuffix = "_quarantine";

Json Expectations(const JsonRows& metrics) {
  struct Stats {
    const Json* latest = nullptr;
    int64_t runs = 0, passed = 0;
    double elements = 0, unexpected = 0;
  };
  std::map<std::tuple<std::string, std::string, std::string>, Stats> by_expectation;
  for (const auto& row : metrics) {
    Stats& st = by_expectation[{TextField(row, "suite"), TextField(row, "expectation"), TextField(row, "column")}];
    ++st.runs;
    auto success = row.find("success");
    if (success != row.end() && success->is_boolean() && success->get<bool>()) ++st.passed;
    st.elements += NumberField(row, "element_count").value_or(0);
    st.unexpected += NumberField(row, "unexpected_count").value_or(0);
    if (!st.latest || TextField(*st.latest, "evaluated_at") <= TextField(row, "evaluated_at")) st.latest = &row;
  }
  Json out = Json::array();
  for (const auto& [key, st] : by_expectation) {
    const auto& [suite, expectation, column] = key;
    auto success = st.latest->find("success");
    const std::string evaluated_at = TextField(*st.latest, "evaluated_at");
    out.push_back({{"suite", suite},
                   {"expectation", expectation},
                   {"column", column.empty() ? Json() : Json(column)},
                   {"last_success", success != st.latest->end() && success->is_boolean() && success->get<bool>()},
                   {"last_unexpected_percent", NumberOrNull(NumberField(*st.latest, "unexpected_percent"))},
                   {"last_evaluated_at", evaluated_at.empty() ? Json() : Json(evaluated_at)},
                   {"runs", st.runs},
                   {"runs_passed", st.passed},
                   {"pass_rate", static_cast<double>(st.passed) / static_cast<double>(st.runs)},
                   {"row_pass_rate", st.elements > 0 ? Json(1.0 - st.unexpected / st.elements) : Json()}});
  }
  return out;
}

// The rules a quarantined row failed: the Silver job's failed_rules, the
// Northwind suites' failed_expectations, else its reason.
std::vector<std::string> RulesOf(const Json& row) {
  for (const char* key : {"failed_rules", "failed_expectations"}) {
    auto it = row.find(key);
    if (it == row.end() || !it->is_array() || it->empty()) continue;
    std::vector<std::string> rules;
    for (const auto& r : *it) {
      if (r.is_string()) rules.push_back(r.get<std::string>());
    }
    if (!rules.empty()) return rules;
  }
  std::string reason = FirstTextField(row, {"quarantine_reason", "reason"});
  return {reason.empty() ? "unknown" : reason};
}

Json QualitySchema() {
  return s::Object({
      {"expectations", s::Array(s::Object({{"suite", s::String()},
                                            {"expectation", s::String()},
                                            {"column", s::Nullable(s::String())},
                                            {"last_success", s::Boolean()},
                                            {"last_unexpected_percent", s::Nullable(s::Number())},
                                            {"last_evaluated_at", s::Nullable(s::DateTime())},
                                            {"runs", s::Integer()},
                                            {"runs_passed", s::Integer()},
                                            {"pass_rate", s::Number()},
                                            {"row_pass_rate", s::Nullable(s::Number())}}))},
      {"quarantine",
       s::Object({{"total", s::Integer()},
                  {"tables", s::Array(s::Object({{"table", s::String()}, {"rows", s::Integer()}}))},
                  {"by_rule", s::Array(s::Object({{"table", s::String()}, {"rule", s::String()}, {"rows", s::Integer()}}))},
                  {"samples", s::Array(s::Object({{"table", s::String()},
                                                  {"rules", s::Array(s::String())},
                                                  {"reason", s::String()},
                                                  {"source", s::String()},
                                                  {"value", s::Nullable(s::String())},
                                                  {"ingest_time", s::Nullable(s::DateTime())}}))}})},
      s::MissingProperty(),
  });
}

}  // namespace

Status AddQualityRoutes(Router& router, std::shared_ptr<LakeReader> lake) {
  RouteSpec spec = GetRoute("/api/v1/quality", "quality",
                            "Pass rates per expectation, quarantined rows by rule, recent quarantine samples", "quality",
                            QualitySchema());
  return router.Add(std::move(spec), Guarded([lake](const Request&) -> Result<Json> {
    Json missing = Json::array();
    MEDALLION_ASSIGN_OR_RETURN(auto metrics, ReadOrNote(*lake, "gold/quality_metrics", missing));
    Json quarantine = {{"total", 0}, {"tables", Json::array()}, {"by_rule", Json::array()}, {"samples", Json::array()}};
    MEDALLION_ASSIGN_OR_RETURN(auto tables, lake->ListTables());
    int64_t total = 0;
    std::vector<Json> samples;
    for (const auto& t : tables) {
      if (t.layer != "silver" || !t.name.ends_with(kQuarantineSuffix)) continue;
      const std::string table = t.layer + "/" + t.name;
      MEDALLION_ASSIGN_OR_RETURN(
          auto rows, lake->Rows(table, {"failed_rules", "failed_expectations", "quarantine_reason", "reason", "topic",
                                        "partition", "offset", "value", "ingest_time"}));
      std::map<std::string, int64_t> by_rule;
      for (const auto& row : *rows.rows) {
        for (const auto& rule : RulesOf(row)) ++by_rule[rule];
      }
      total += static_cast<int64_t>(rows.rows->size());
      quarantine["tables"].push_back({{"table", table}, {"rows", rows.rows->size()}});
      for (const auto& [rule, count] : by_rule) {
        quarantine["by_rule"].push_back({{"table", table}, {"rule", rule}, {"rows", count}});
      }
      // The newest rows are the ones a person wants to look at.
      size_t first = rows.rows->size() > kSamples ? rows.rows->size() - kSamples : 0;
      for (size_t i = first; i < rows.rows->size(); ++i) {
        const Json& row = (*rows.rows)[i];
        std::string value = TextField(row, "value");
        if (value.size() > kSampleValueBytes) value = value.substr(0, kSampleValueBytes) + "...";
        std::string source = TextField(row, "topic");
        if (!source.empty()) source += "/" + TextField(row, "partition") + "@" + TextField(row, "offset");
        std::string ingest_time = TextField(row, "ingest_time");
        samples.push_back({{"table", table},
                           {"rules", RulesOf(row)},
                           {"reason", FirstTextField(row, {"quarantine_reason", "reason"})},
                           {"source", source},
                           {"value", row.contains("value") && !row["value"].is_null() ? Json(value) : Json()},
                           {"ingest_time", ingest_time.empty() ? Json() : Json(ingest_time)}});
      }
    }
    std::stable_sort(samples.begin(), samples.end(), [](const Json& a, const Json& b) {
      return TextField(a, "ingest_time") > TextField(b, "ingest_time");
    });
    if (samples.size() > kSamples) samples.resize(kSamples);
    quarantine["total"] = total;
    quarantine["samples"] = samples;
    return Json{{"expectations", Expectations(*metrics.rows)}, {"quarantine", quarantine}, {"missing", missing}};
  }));
}

}  // namespace medallion::serve
