#include "medallion/serve/route_support.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "medallion/serve/arrow_rows.h"
#include "medallion/transform/gold_job.h"

namespace medallion::serve {

RouteSpec GetRoute(std::string path, std::string operation_id, std::string summary, std::string tag,
                   Json response_schema) {
  RouteSpec spec;
  spec.method = Method::kGet;
  spec.path = std::move(path);
  spec.operation_id = std::move(operation_id);
  spec.summary = std::move(summary);
  spec.tag = std::move(tag);
  spec.responses = {{200, "OK", "application/json", std::move(response_schema)}};
  return spec;
}

Handler Guarded(JsonHandler handler) {
  return [handler = std::move(handler)](const Request& request) {
    Result<Json> body = handler(request);
    if (body.ok()) return JsonResponse(200, *body);
    const Status& st = body.status();
    if (st.IsNotFound()) return ErrorResponse(404, "not_found", st.message());
    if (st.IsInvalidArgument()) return ErrorResponse(400, "invalid_parameter", st.message());
    if (st.IsConflict()) return ErrorResponse(409, "conflict", st.message());
    spdlog::error("{} {}: {}", MethodName(request.method), request.path, st.ToString());
    return ErrorResponse(500, "internal", "the lake could not be read; see the server log");
  };
}

Result<TableRows> ReadOrNote(LakeReader& lake, const std::string& table, Json& missing,
                             const std::vector<std::string>& columns) {
  MEDALLION_ASSIGN_OR_RETURN(TableRows rows, lake.Rows(table, columns));
  if (rows.missing()) missing.push_back(table);
  return rows;
}

std::optional<double> NumberField(const Json& row, const char* key) {
  auto it = row.find(key);
  if (it == row.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

std::string TextField(const Json& row, const char* key) {
  auto it = row.find(key);
  if (it == row.end() || it->is_null()) return "";
  if (it->is_string()) return it->get<std::string>();
  return it->dump();
}

std::string FirstTextField(const Json& row, std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    std::string value = TextField(row, key);
    if (!value.empty()) return value;
  }
  return "";
}

Json NumberOrNull(const std::optional<double>& v) { return v ? Json(*v) : Json(); }

Json IntOrNull(const std::optional<double>& v) { return v ? Json(static_cast<int64_t>(*v)) : Json(); }

bool InDateRange(const std::string& date, const std::string& from, const std::string& to) {
  return !date.empty() && date >= from && date <= to;
}

std::string MaxDate(const JsonRows& rows, const char* key) {
  std::string latest;
  for (const auto& row : rows) latest = std::max(latest, TextField(row, key));
  return latest;
}

std::string ShiftDate(const std::string& date, int days) {
  auto parsed = transform::ParseIsoDate(date.substr(0, 10));
  if (!parsed.ok()) return "";
  // Stay inside four-digit years, which is all an RFC 3339 date can say.
  static const int32_t kFirst = *transform::ParseIsoDate("0001-01-01");
  static const int32_t kLast = *transform::ParseIsoDate("9999-12-31");
  return FormatDate(std::clamp(*parsed + days, kFirst, kLast));
}

}  // namespace medallion::serve
