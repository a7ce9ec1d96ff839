// What every data route shares: declaring a GET route with its response
// schema, turning a handler's error into a safe response, and reading fields
// of JSON rows (from LakeReader) without caring whether a Gold column is an
// int or a double.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "medallion/common/result.h"
#include "medallion/serve/json_schema.h"
#include "medallion/serve/lake_reader.h"
#include "medallion/serve/router.h"

namespace medallion::serve {

using Json = nlohmann::json;

RouteSpec GetRoute(std::string path, std::string operation_id, std::string summary, std::string tag,
                   Json response_schema);

// A handler whose failures become responses: NotFound -> 404,
// InvalidArgument -> 400 and Conflict -> 409 with their message (handlers
// word those for the client; LakeReader never returns these codes), anything
// else -> 500 "internal" with the detail only in the log, since lake errors
// name files and servers.
using JsonHandler = std::function<Result<Json>(const Request&)>;
Handler Guarded(JsonHandler handler);

// Rows of a table, noting it in `missing` when absent.
Result<TableRows> ReadOrNote(LakeReader& lake, const std::string& table, Json& missing,
                             const std::vector<std::string>& columns = {});

std::optional<double> NumberField(const Json& row, const char* key);
// The field as text: strings as is, numbers printed, null/absent "".
std::string TextField(const Json& row, const char* key);
// The first of `keys` the row has (non-null), as text.
std::string FirstTextField(const Json& row, std::initializer_list<const char*> keys);
// A number or null, for JSON output.
Json NumberOrNull(const std::optional<double>& v);
// The number truncated to an integer, or null, for JSON output.
Json IntOrNull(const std::optional<double>& v);

// Whether a "YYYY-MM-DD" date lies in [from, to] ("" never does).
bool InDateRange(const std::string& date, const std::string& from, const std::string& to);
// Largest value of a "YYYY-MM-DD" field over the rows; "" when none.
std::string MaxDate(const JsonRows& rows, const char* key);
// `date` moved by `days` ("2026-01-31", -1 -> "2026-01-30"); "" when `date` is not a date.
std::string ShiftDate(const std::string& date, int days);

}  // namespace medallion::serve
