#include "medallion/quality/validation_result.h"

#include <arrow/api.h>

#include <chrono>
#include <ctime>

#include "medallion/common/arrow_status.h"

namespace medallion::quality {
namespace {

template <typename T>
Json OptionalJson(const std::optional<T>& value) {
  return value ? Json(*value) : Json(nullptr);
}

std::string IsoTimestamp(int64_t micros) {
  std::time_t seconds = static_cast<std::time_t>(micros / 1'000'000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char frac[16];
  std::snprintf(frac, sizeof frac, ".%06lldZ", static_cast<long long>(micros % 1'000'000));
  return std::string(buf) + frac;
}

Json ResultBody(const ExpectationResult& r) {
  Json body = Json::object();
  if (!r.observed_value.is_null()) body["observed_value"] = r.observed_value;
  if (!r.details.is_null()) body["details"] = r.details;
  if (r.element_count) {
    body["element_count"] = *r.element_count;
    body["unexpected_count"] = OptionalJson(r.unexpected_count);
    body["unexpected_percent"] = OptionalJson(r.unexpected_percent);
    body["partial_unexpected_list"] = r.partial_unexpected_list.is_null() ? Json::array() : r.partial_unexpected_list;
    if (r.missing_count) {
      body["missing_count"] = *r.missing_count;
      body["missing_percent"] = OptionalJson(r.missing_percent);
      body["unexpected_percent_total"] = OptionalJson(r.unexpected_percent_total);
      body["unexpected_percent_nonmissing"] = OptionalJson(r.unexpected_percent);
    }
  }
  return body;
}

}  // namespace

Json ToGreatExpectationsJson(const ValidationResult& v) {
  Json results = Json::array();
  for (const auto& r : v.results) {
    Json meta = r.expectation.meta.is_object() ? r.expectation.meta : Json::object();
    Json config = {{"type", r.expectation.type}, {"kwargs", r.expectation.kwargs}, {"meta", meta}};
    Json exception_info = {{"raised_exception", r.exception_message.has_value()},
                           {"exception_traceback", nullptr},
                           {"exception_message", OptionalJson(r.exception_message)}};
    results.push_back({{"success", r.success},
                       {"expectation_config", config},
                       {"result", r.exception_message ? Json::object() : ResultBody(r)},
                       {"meta", {{"action", std::string(ActionName(r.expectation.action))}}},
                       {"exception_info", exception_info}});
  }
  Json statistics = {{"evaluated_expectations", v.statistics.evaluated_expectations},
                     {"successful_expectations", v.statistics.successful_expectations},
                     {"unsuccessful_expectations", v.statistics.unsuccessful_expectations},
                     {"success_percent", OptionalJson(v.statistics.success_percent)}};
  return {{"success", v.success},
          {"results", results},
          {"suite_name", v.suite_name},
          {"suite_parameters", Json::object()},
          {"statistics", statistics},
          {"meta",
           {{"run_id", v.run_id},
            {"validation_time", IsoTimestamp(v.evaluated_at_us)},
            {"row_count", v.row_count},
            {"engine", "medallion"}}}};
}

std::shared_ptr<arrow::Schema> QualityMetricsSchema() {
  return arrow::schema({
      arrow::field("run_id", arrow::utf8(), false),
      arrow::field("suite", arrow::utf8(), false),
      arrow::field("expectation", arrow::utf8(), false),
      arrow::field("column", arrow::utf8(), true),
      arrow::field("success", arrow::boolean(), false),
      arrow::field("element_count", arrow::int64(), true),
      arrow::field("unexpected_count", arrow::int64(), true),
      arrow::field("unexpected_percent", arrow::float64(), true),
      arrow::field("evaluated_at", arrow::timestamp(arrow::TimeUnit::MICRO, "UTC"), false),
  });
}

Result<std::shared_ptr<arrow::Table>> ToQualityMetricsTable(const ValidationResult& v) {
  arrow::StringBuilder run_id, suite, expectation, column;
  arrow::BooleanBuilder success;
  arrow::Int64Builder element_count, unexpected_count;
  arrow::DoubleBuilder unexpected_percent;
  arrow::TimestampBuilder evaluated_at(arrow::timestamp(arrow::TimeUnit::MICRO, "UTC"), arrow::default_memory_pool());
  auto append_optional = [](auto& builder, const auto& value) {
    return value ? builder.Append(*value) : builder.AppendNull();
  };
  for (const auto& r : v.results) {
    MEDALLION_RETURN_IF_ARROW_ERROR(run_id.Append(v.run_id));
    MEDALLION_RETURN_IF_ARROW_ERROR(suite.Append(v.suite_name));
    MEDALLION_RETURN_IF_ARROW_ERROR(expectation.Append(r.expectation.type));
    MEDALLION_RETURN_IF_ARROW_ERROR(append_optional(column, r.expectation.column));
    MEDALLION_RETURN_IF_ARROW_ERROR(success.Append(r.success));
    MEDALLION_RETURN_IF_ARROW_ERROR(append_optional(element_count, r.element_count));
    MEDALLION_RETURN_IF_ARROW_ERROR(append_optional(unexpected_count, r.unexpected_count));
    MEDALLION_RETURN_IF_ARROW_ERROR(append_optional(unexpected_percent, r.unexpected_percent));
    MEDALLION_RETURN_IF_ARROW_ERROR(evaluated_at.Append(v.evaluated_at_us));
  }
  std::vector<std::shared_ptr<arrow::Array>> columns(9);
  MEDALLION_RETURN_IF_ARROW_ERROR(run_id.Finish(&columns[0]));
  MEDALLION_RETURN_IF_ARROW_ERROR(suite.Finish(&columns[1]));
  MEDALLION_RETURN_IF_ARROW_ERROR(expectation.Finish(&columns[2]));
  MEDALLION_RETURN_IF_ARROW_ERROR(column.Finish(&columns[3]));
  MEDALLION_RETURN_IF_ARROW_ERROR(success.Finish(&columns[4]));
  MEDALLION_RETURN_IF_ARROW_ERROR(element_count.Finish(&columns[5]));
  MEDALLION_RETURN_IF_ARROW_ERROR(unexpected_count.Finish(&columns[6]));
  MEDALLION_RETURN_IF_ARROW_ERROR(unexpected_percent.Finish(&columns[7]));
  MEDALLION_RETURN_IF_ARROW_ERROR(evaluated_at.Finish(&columns[8]));
  return arrow::Table::Make(QualityMetricsSchema(), columns);
}

}  // namespace medallion::quality
