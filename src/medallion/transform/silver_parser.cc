#include "medallion/transform/silver_parser.h"

#include <arrow/util/utf8.h>
#include <arrow/util/value_parsing.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <set>

namespace medallion::transform {

namespace {

using Json = nlohmann::json;

enum class FieldKind { kString, kTimestamp, kInteger, kNumber, kBoolean };

struct FieldSpec {
  std::string_view name;
  FieldKind kind;
};

// Every field of a Silver order, in the generator's order.
constexpr FieldSpec kFields[] = {
    {"event_id", FieldKind::kString},    {"event_type", FieldKind::kString}, {"event_time", FieldKind::kTimestamp},
    {"customer_id", FieldKind::kString}, {"product_id", FieldKind::kString}, {"category", FieldKind::kString},
    {"city", FieldKind::kString},        {"country", FieldKind::kString},    {"quantity", FieldKind::kInteger},
    {"unit_price", FieldKind::kNumber},  {"currency", FieldKind::kString},   {"promo", FieldKind::kBoolean},
    {"store_id", FieldKind::kString},
};
constexpr size_t kNumFields = std::size(kFields);

std::string_view JsonTypeName(const Json& value) {
  if (value.is_number_integer()) return "integer";
  if (value.is_number()) return "number";
  return value.type_name();
}

std::string_view KindName(FieldKind kind) {
  switch (kind) {
    case FieldKind::kString: return "a string";
    case FieldKind::kTimestamp: return "an ISO-8601 timestamp string";
    case FieldKind::kInteger: return "an integer";
    case FieldKind::kNumber: return "a number";
    case FieldKind::kBoolean: return "a boolean";
  }
  return "?";
}

// Printable prefix of a value for reasons: a reason must stay one readable
// line even when the value is a megabyte of junk.
std::string Excerpt(std::string_view text, size_t max = 40) {
  std::string out;
  for (unsigned char c : text.substr(0, max)) {
    if (c < 0x20 || c == 0x7f) out += fmt::format("\\x{:02x}", c);
    else out += static_cast<char>(c);
  }
  if (text.size() > max) out += fmt::format("...({} bytes)", text.size());
  return out;
}

// Reasons are utf8 columns: bytes of a malformed value (quoted in a reason,
// or in the JSON library's error message) must not make them invalid.
std::string ValidUtf8(std::string text) {
  static const bool kReady = (arrow::util::InitializeUTF8(), true);
  (void)kReady;
  if (arrow::util::ValidateUTF8(text)) return text;
  std::string out;
  for (unsigned char c : text) {
    if (c < 0x80) out += static_cast<char>(c);
    else out += fmt::format("\\x{:02x}", c);
  }
  return out;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::toupper(c); });
  return out;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

}  // namespace

std::string_view TrimAscii(std::string_view text) {
  const char* kSpace = " \t\r\n\v\f";
  const size_t begin = text.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  return text.substr(begin, text.find_last_not_of(kSpace) - begin + 1);
}

struct OrderParser::Impl {};

OrderParser::OrderParser(ParserOptions options) : options_(options), impl_(std::make_unique<Impl>()) {}
OrderParser::~OrderParser() = default;

ParseOutcome OrderParser::Parse(std::string_view value, int64_t ingest_time_us) {
  ParseOutcome out;
  auto fail = [&](std::string rule, std::string reason) {
    out.failures.push_back({rule, ValidUtf8(fmt::format("{} ({})", reason, rule))});
  };
  // nlohmann would skip a BOM silently; Silver rejects it and says so
  // plainly: it is a producer bug with a known fix.
  if (value.substr(0, 3) == "\xEF\xBB\xBF") {
    fail("json_no_byte_order_mark", "value starts with a UTF-8 byte order mark");
    return out;
  }
  // Keys are checked while parsing: nlohmann keeps only the last of
  // duplicated keys, which would hide the conflict.
  std::vector<std::string> duplicate_keys;
  std::set<std::string> top_level_keys;
  Json::parser_callback_t check_keys = [&](int depth, Json::parse_event_t event, Json& parsed) {
    if (event == Json::parse_event_t::key && depth == 1 && parsed.is_string()) {
      const auto& key = parsed.get_ref<const std::string&>();
      if (!top_level_keys.insert(key).second) duplicate_keys.push_back(key);
    }
    return true;
  };
  std::string parse_error;
  Json doc;
  try {
    doc = Json::parse(value.begin(), value.end(), check_keys, /*allow_exceptions=*/true);
  } catch (const Json::exception& e) {
    parse_error = e.what();
  }
  if (!parse_error.empty()) {
    fail("json_syntax", fmt::format("value is not valid JSON: {} (value '{}')", parse_error, Excerpt(value)));
    return out;
  }
  if (!doc.is_object()) {
    fail("json_object", fmt::format("value is a JSON {}, not an object", JsonTypeName(doc)));
    return out;
  }
  for (const auto& key : duplicate_keys) {
    fail("json_unique_keys", fmt::format("key '{}' occurs more than once", Excerpt(key)));
  }

  const Json* found[kNumFields] = {};
  for (const auto& [key, field_value] : doc.items()) {
    size_t i = 0;
    while (i < kNumFields && kFields[i].name != key) ++i;
    if (i == kNumFields) {
      fail("schema_known_fields", fmt::format("field '{}' is not part of an order", Excerpt(key)));
      continue;
    }
    found[i] = &field_value;
  }

  ParsedOrder order;
  auto string_slot = [&order](std::string_view name) -> std::string* {
    if (name == "event_id") return &order.event_id;
    if (name == "event_type") return &order.event_type;
    if (name == "customer_id") return &order.customer_id;
    if (name == "product_id") return &order.product_id;
    if (name == "category") return &order.category;
    if (name == "city") return &order.city;
    if (name == "country") return &order.country;
    if (name == "currency") return &order.currency;
    if (name == "store_id") return &order.store_id;
    return nullptr;
  };
  for (size_t i = 0; i < kNumFields; ++i) {
    const FieldSpec& spec = kFields[i];
    if (found[i] == nullptr) {
      fail("schema_required_field", fmt::format("{}: required field is missing", spec.name));
      continue;
    }
    const Json& v = *found[i];
    if (v.is_null()) {
      fail("schema_not_null", fmt::format("{}: must not be null", spec.name));
      continue;
    }
    auto wrong_type = [&] {
      fail("schema_field_type",
           fmt::format("{}: expected {}, got {} {}", spec.name, KindName(spec.kind), JsonTypeName(v),
                       Excerpt(v.dump(-1, ' ', false, Json::error_handler_t::replace), 30)));
    };
    switch (spec.kind) {
      case FieldKind::kString:
      case FieldKind::kTimestamp: {
        if (!v.is_string()) {
          wrong_type();
          break;
        }
        std::string_view s = v.get_ref<const std::string&>();
        if (std::any_of(s.begin(), s.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; })) {
          fail("schema_no_control_characters",
               fmt::format("{}: contains a control character ('{}')", spec.name, Excerpt(s)));
          break;
        }
        s = TrimAscii(s);
        if (spec.kind == FieldKind::kTimestamp) {
          int64_t us = 0;
          bool has_zone = false;
          if (!arrow::internal::ParseTimestampISO8601(s.data(), s.size(), arrow::TimeUnit::MICRO, &us, &has_zone) ||
              !has_zone) {
            fail("schema_timestamp_format",
                 fmt::format("{}: '{}' is not an ISO-8601 timestamp with a UTC offset", spec.name, Excerpt(s)));
          } else if (us > ingest_time_us + options_.max_future_skew_us) {
            fail("event_time_not_after_ingest",
                 fmt::format("{}: '{}' is more than {} h after the record reached Bronze", spec.name, Excerpt(s),
                             options_.max_future_skew_us / 3'600'000'000LL));
          } else {
            order.event_time_us = us;
          }
          break;
        }
        std::string* slot = string_slot(spec.name);
        // Codes are compared case-sensitively downstream (joins, in-set
        // rules), so they are normalised once here.
        if (spec.name == "country" || spec.name == "currency") *slot = Upper(s);
        else if (spec.name == "event_type") *slot = Lower(s);
        else *slot = std::string(s);
        break;
      }
      case FieldKind::kInteger: {
        // Unsigned values above int64 and integers too big for any integer
        // type (parsed as floats) are out of range, i.e. the wrong type.
        if (!v.is_number_integer() || (v.is_number_unsigned() && v.get<uint64_t>() > INT64_MAX)) wrong_type();
        else order.quantity = v.get<int64_t>();
        break;
      }
      case FieldKind::kNumber: {
        if (!v.is_number()) wrong_type();
        else order.unit_price = v.get<double>();
        break;
      }
      case FieldKind::kBoolean: {
        if (!v.is_boolean()) wrong_type();
        else order.promo = v.get<bool>();
        break;
      }
    }
  }
  if (out.failures.empty()) out.order = std::move(order);
  return out;
}

}  // namespace medallion::transform
