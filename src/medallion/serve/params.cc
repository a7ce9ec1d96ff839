#include "medallion/serve/params.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

namespace medallion::serve {

namespace {

std::string_view TypeName(ParamType type) {
  switch (type) {
    case ParamType::kString: return "string";
    case ParamType::kInteger: return "integer";
    case ParamType::kNumber: return "number";
    case ParamType::kBoolean: return "boolean";
    case ParamType::kDate: return "date";
  }
  return "string";
}

bool IsLeapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

bool IsCalendarDate(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  int year = std::stoi(s.substr(0, 4));
  int month = std::stoi(s.substr(5, 2));
  int day = std::stoi(s.substr(8, 2));
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1) return false;
  int max_day = kDays[month - 1] + (month == 2 && IsLeapYear(year) ? 1 : 0);
  return day <= max_day;
}

std::string FormatBound(double v) {
  if (v == std::floor(v) && std::fabs(v) < 1e15) return std::to_string(static_cast<int64_t>(v));
  return std::to_string(v);
}

std::optional<ParamError> CheckBounds(const ParamSpec& spec, double v) {
  if (spec.minimum && v < *spec.minimum) {
    return ParamError{spec.name, "must be >= " + FormatBound(*spec.minimum)};
  }
  if (spec.maximum && v > *spec.maximum) {
    return ParamError{spec.name, "must be <= " + FormatBound(*spec.maximum)};
  }
  return std::nullopt;
}

}  // namespace

ParamSpec PathParam(std::string name, std::string description) {
  ParamSpec spec;
  spec.name = std::move(name);
  spec.in = ParamIn::kPath;
  spec.required = true;
  spec.description = std::move(description);
  return spec;
}

ParamSpec QueryParam(std::string name, ParamType type, bool required, std::string description) {
  ParamSpec spec;
  spec.name = std::move(name);
  spec.type = type;
  spec.required = required;
  spec.description = std::move(description);
  return spec;
}

nlohmann::json ParamSpec::Schema() const {
  nlohmann::json schema;
  switch (type) {
    case ParamType::kString: schema["type"] = "string"; break;
    case ParamType::kInteger: schema["type"] = "integer"; break;
    case ParamType::kNumber: schema["type"] = "number"; break;
    case ParamType::kBoolean: schema["type"] = "boolean"; break;
    case ParamType::kDate:
      schema["type"] = "string";
      schema["format"] = "date";
      break;
  }
  if (type == ParamType::kInteger) {
    // Integers travel as int64: say so, or clients generate values we reject.
    schema["minimum"] = minimum ? static_cast<int64_t>(*minimum) : INT64_MIN;
    schema["maximum"] = maximum ? static_cast<int64_t>(*maximum) : INT64_MAX;
  } else if (type == ParamType::kNumber) {
    if (minimum) schema["minimum"] = *minimum;
    if (maximum) schema["maximum"] = *maximum;
  }
  if (type == ParamType::kString) {
    if (in == ParamIn::kPath) schema["minLength"] = 1;
    if (max_length) schema["maxLength"] = *max_length;
    if (!allowed.empty()) schema["enum"] = allowed;
    // The URL decoder refuses an encoded NUL for every parameter (url.cc):
    // say so, or clients generate values the server must reject.
    if (allowed.empty()) schema["pattern"] = "^[^\\u0000]*$";
  }
  return schema;
}

std::variant<ParamValue, ParamError> ParseParam(const ParamSpec& spec, const std::string& raw) {
  auto type_error = [&] { return ParamError{spec.name, "must be a " + std::string(TypeName(spec.type))}; };
  switch (spec.type) {
    case ParamType::kString: {
      if (spec.max_length && raw.size() > *spec.max_length) {
        return ParamError{spec.name, "must be at most " + std::to_string(*spec.max_length) + " characters"};
      }
      if (!spec.allowed.empty()) {
        bool found = false;
        for (const auto& a : spec.allowed) found = found || a == raw;
        if (!found) return ParamError{spec.name, "must be one of the documented values"};
      }
      return ParamValue(raw);
    }
    case ParamType::kInteger: {
      int64_t v = 0;
      const char* end = raw.data() + raw.size();
      auto [ptr, ec] = std::from_chars(raw.data(), end, v);
      if (raw.empty() || ec != std::errc() || ptr != end) return type_error();
      if (auto e = CheckBounds(spec, static_cast<double>(v))) return *e;
      return ParamValue(v);
    }
    case ParamType::kNumber: {
      // strtod accepts "inf", "nan" and hex: only plain decimal notation is a number here.
      if (raw.empty() || raw.find_first_not_of("0123456789+-.eE") != std::string::npos) return type_error();
      char* end = nullptr;
      double v = std::strtod(raw.c_str(), &end);
      if (end != raw.c_str() + raw.size() || !std::isfinite(v)) return type_error();
      if (auto e = CheckBounds(spec, v)) return *e;
      return ParamValue(v);
    }
    case ParamType::kBoolean:
      if (raw == "true") return ParamValue(true);
      if (raw == "false") return ParamValue(false);
      return ParamError{spec.name, "must be true or false"};
    case ParamType::kDate:
      if (!IsCalendarDate(raw)) return ParamError{spec.name, "must be a date YYYY-MM-DD"};
      return ParamValue(raw);
  }
  return type_error();
}

std::variant<ParamValues, ParamError> ValidateParams(
    const std::vector<ParamSpec>& specs, const std::map<std::string, std::string>& path_params,
    const std::vector<std::pair<std::string, std::string>>& query) {
  ParamValues values;
  for (const auto& spec : specs) {
    const std::string* raw = nullptr;
    if (spec.in == ParamIn::kPath) {
      auto it = path_params.find(spec.name);
      if (it != path_params.end()) raw = &it->second;
    } else {
      for (const auto& [key, value] : query) {
        if (key != spec.name) continue;
        if (raw != nullptr) return ParamError{spec.name, "given more than once"};
        raw = &value;
      }
    }
    if (raw == nullptr) {
      if (spec.required || spec.in == ParamIn::kPath) return ParamError{spec.name, "is required"};
      continue;
    }
    auto parsed = ParseParam(spec, *raw);
    if (auto* error = std::get_if<ParamError>(&parsed)) return *error;
    values.Set(spec.name, std::get<ParamValue>(std::move(parsed)));
  }
  return values;
}

}  // namespace medallion::serve
