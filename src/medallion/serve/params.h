// Declared path and query parameters: a route states each parameter's name,
// place, type and bounds once; the router validates requests against it and
// the OpenAPI document is generated from the same declaration.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "medallion/common/result.h"

namespace medallion::serve {

enum class ParamIn { kPath, kQuery };
enum class ParamType { kString, kInteger, kNumber, kBoolean, kDate };

struct ParamSpec {
  std::string name;
  ParamIn in = ParamIn::kQuery;
  ParamType type = ParamType::kString;
  bool required = false;  // path parameters are always required
  std::string description;
  std::optional<double> minimum;  // integer and number
  std::optional<double> maximum;
  std::optional<size_t> max_length;  // string
  std::vector<std::string> allowed;  // string enum; empty = any

  // The JSON Schema of the value, for OpenAPI.
  nlohmann::json Schema() const;
};

ParamSpec PathParam(std::string name, std::string description = "");
ParamSpec QueryParam(std::string name, ParamType type, bool required = false, std::string description = "");

using ParamValue = std::variant<std::string, int64_t, double, bool>;

// Validated values by name. A date is kept as its "YYYY-MM-DD" string.
class ParamValues {
 public:
  void Set(std::string name, ParamValue value) { values_[std::move(name)] = std::move(value); }
  bool Has(const std::string& name) const { return values_.count(name) != 0; }

  std::optional<std::string> String(const std::string& name) const { return Get<std::string>(name); }
  std::optional<int64_t> Int(const std::string& name) const { return Get<int64_t>(name); }
  std::optional<double> Number(const std::string& name) const { return Get<double>(name); }
  std::optional<bool> Bool(const std::string& name) const { return Get<bool>(name); }

 private:
  template <typename T>
  std::optional<T> Get(const std::string& name) const {
    auto it = values_.find(name);
    if (it == values_.end()) return std::nullopt;
    if (const T* v = std::get_if<T>(&it->second)) return *v;
    return std::nullopt;
  }
  std::map<std::string, ParamValue> values_;
};

// A parameter that failed validation: its name and why.
struct ParamError {
  std::string field;
  std::string message;
};

// Converts one raw value to the declared type, checking bounds.
std::variant<ParamValue, ParamError> ParseParam(const ParamSpec& spec, const std::string& raw);

// Validates every declared parameter against the request's path parameters
// and query. Undeclared query parameters are ignored (as HTTP clients expect);
// a declared one given twice is an error.
std::variant<ParamValues, ParamError> ValidateParams(
    const std::vector<ParamSpec>& specs, const std::map<std::string, std::string>& path_params,
    const std::vector<std::pair<std::string, std::string>>& query);

}  // namespace medallion::serve
