#include "medallion/ingest/bad_records.h"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "medallion/ingest/random.h"

namespace medallion::ingest {

namespace {

using Json = nlohmann::ordered_json;

struct KindInfo {
  BadKind kind;
  std::string_view name;
};

constexpr KindInfo kKinds[] = {
    {BadKind::kInvalidJson, "invalid_json"},
    {BadKind::kTruncatedJson, "truncated_json"},
    {BadKind::kEmptyValue, "empty_value"},
    {BadKind::kNonObjectJson, "non_object_json"},
    {BadKind::kMissingField, "missing_field"},
    {BadKind::kNullField, "null_field"},
    {BadKind::kWrongType, "wrong_type"},
    {BadKind::kNumberAsString, "number_as_string"},
    {BadKind::kNegativeQuantity, "negative_quantity"},
    {BadKind::kZeroQuantity, "zero_quantity"},
    {BadKind::kAbsurdQuantity, "absurd_quantity"},
    {BadKind::kNegativePrice, "negative_price"},
    {BadKind::kNanValue, "nan_value"},
    {BadKind::kInfinityValue, "infinity_value"},
    {BadKind::kIntegerOverflow, "integer_overflow"},
    {BadKind::kUnknownEventType, "unknown_event_type"},
    {BadKind::kUnknownCurrency, "unknown_currency"},
    {BadKind::kBadCountryCode, "bad_country_code"},
    {BadKind::kMalformedTimestamp, "malformed_timestamp"},
    {BadKind::kFutureTimestamp, "future_timestamp"},
    {BadKind::kAncientTimestamp, "ancient_timestamp"},
    {BadKind::kInvalidUtf8, "invalid_utf8"},
    {BadKind::kControlCharacters, "control_characters"},
    {BadKind::kByteOrderMark, "byte_order_mark"},
    {BadKind::kDuplicateKeys, "duplicate_keys"},
    {BadKind::kDeepNesting, "deep_nesting"},
    {BadKind::kUnknownExtraFields, "unknown_extra_fields"},
    {BadKind::kEmptyId, "empty_id"},
    {BadKind::kDuplicateEvent, "duplicate_event"},
    {BadKind::kHugeString, "huge_string"},
    {BadKind::kOversizedMessage, "oversized_message"},
};

// JSON that nlohmann cannot emit (NaN, raw control bytes, invalid UTF-8...)
// is spliced in by replacing a quoted placeholder after dump().
constexpr std::string_view kPlaceholder = "\"@@MEDALLION_RAW@@\"";

std::string Splice(const Json& j, std::string_view raw) {
  std::string s = j.dump();
  const size_t at = s.find(kPlaceholder);
  if (at != std::string::npos) s.replace(at, kPlaceholder.size(), raw);
  return s;
}

Json PlaceholderAt(Json j, const std::string& field) {
  j[field] = std::string(kPlaceholder.substr(1, kPlaceholder.size() - 2));
  return j;
}

template <typename T, size_t N>
const T& Rotate(const T (&options)[N], int64_t n) {
  return options[static_cast<size_t>(n) % N];
}

}  // namespace

std::string_view BadKindName(BadKind kind) {
  for (const auto& k : kKinds) {
    if (k.kind == kind) return k.name;
  }
  return "unknown";
}

const std::vector<BadKind>& AllBadKinds() {
  static const std::vector<BadKind> kAll = [] {
    std::vector<BadKind> v;
    for (const auto& k : kKinds) v.push_back(k.kind);
    return v;
  }();
  return kAll;
}

bool IsHeavy(BadKind kind) { return kind == BadKind::kHugeString || kind == BadKind::kOversizedMessage; }

const std::vector<std::string>& RequiredOrderFields() {
  static const std::vector<std::string> kFields = {"event_id", "event_type", "event_time", "customer_id", "product_id",
                                                   "category", "city",       "country",    "quantity",    "unit_price",
                                                   "currency", "promo",      "store_id"};
  return kFields;
}

BadRecordMixer::BadRecordMixer(BadRecordOptions options)
    : options_(options), rng_(ingest::Mix(options.seed, 0x626164)) {}  // "bad"

BadKind BadRecordMixer::NextKind() {
  static const std::vector<BadKind> kLight = [] {
    std::vector<BadKind> v;
    for (BadKind k : AllBadKinds()) {
      if (!IsHeavy(k)) v.push_back(k);
    }
    return v;
  }();
  static const BadKind kHeavy[] = {BadKind::kHugeString, BadKind::kOversizedMessage};
  const int64_t n = produced_++;
  if (options_.heavy_every > 0 && n % options_.heavy_every == options_.heavy_every - 1) {
    return Rotate(kHeavy, heavy_index_++);
  }
  return kLight[static_cast<size_t>(light_index_++) % kLight.size()];
}

void BadRecordMixer::Mix(KafkaRecord good, std::vector<KafkaRecord>* out) {
  const bool bad = options_.fraction > 0 && std::uniform_real_distribution<double>(0, 1)(rng_) < options_.fraction;
  out->push_back(std::move(good));
  if (bad) out->push_back(Make(NextKind(), out->back()));
}

KafkaRecord BadRecordMixer::Make(BadKind kind, const KafkaRecord& good) {
  ++counts_[kind];
  KafkaRecord r;
  r.key = good.key;
  r.event_time_ms = good.event_time_ms;
  r.headers = good.headers;
  r.headers.emplace_back(kBadKindHeader, BadKindName(kind));
  const int64_t n = counts_[kind];
  const auto& fields = RequiredOrderFields();
  const std::string& field = fields[static_cast<size_t>(n) % fields.size()];
  Json j = Json::parse(good.value, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) j = Json::object();  // a caller bug; still emit something bad
  auto tag_field = [&](const std::string& f) { r.headers.emplace_back(kBadFieldHeader, f); };

  switch (kind) {
    case BadKind::kInvalidJson: {
      std::string s = good.value;
      const size_t colon = s.find(':');
      if (colon != std::string::npos) s.erase(colon, 1);  // {"event_id" "..."}
      r.value = s;
      break;
    }
    case BadKind::kTruncatedJson:
      r.value = good.value.substr(0, good.value.size() / 2);
      break;
    case BadKind::kEmptyValue:
      r.value.clear();
      break;
    case BadKind::kNonObjectJson: {
      static const char* kShapes[] = {"array", "number", "string", "null"};
      const std::string shape = Rotate(kShapes, n);
      if (shape == "array") r.value = "[" + good.value + "]";
      else if (shape == "number") r.value = "42";
      else if (shape == "string") r.value = "\"order_created\"";
      else r.value = "null";
      break;
    }
    case BadKind::kMissingField:
      j.erase(field);
      tag_field(field);
      r.value = j.dump();
      break;
    case BadKind::kNullField:
      j[field] = nullptr;
      tag_field(field);
      r.value = j.dump();
      break;
    case BadKind::kWrongType: {
      static const std::pair<const char*, const char*> kWrong[] = {
          {"quantity", "two"}, {"unit_price", "abc"}, {"promo", "maybe"}, {"event_time", "12"}};
      const auto& [f, v] = Rotate(kWrong, n);
      if (std::string_view(f) == "event_time") j[f] = 12;
      else j[f] = v;
      tag_field(f);
      r.value = j.dump();
      break;
    }
    case BadKind::kNumberAsString: {
      static const char* kNumeric[] = {"quantity", "unit_price"};
      const std::string f = Rotate(kNumeric, n);
      j[f] = j.contains(f) ? j[f].dump() : std::string("1");
      tag_field(f);
      r.value = j.dump();
      break;
    }
    case BadKind::kNegativeQuantity:
      j["quantity"] = -static_cast<int>(1 + n % 5);
      tag_field("quantity");
      r.value = j.dump();
      break;
    case BadKind::kZeroQuantity:
      j["quantity"] = 0;
      tag_field("quantity");
      r.value = j.dump();
      break;
    case BadKind::kAbsurdQuantity:
      j["quantity"] = 1'000'000'000;
      tag_field("quantity");
      r.value = j.dump();
      break;
    case BadKind::kNegativePrice:
      j["unit_price"] = -std::abs(j.value("unit_price", 9.99));
      tag_field("unit_price");
      r.value = j.dump();
      break;
    case BadKind::kNanValue: {
      static const char* kFields[] = {"unit_price", "quantity"};
      const std::string f = Rotate(kFields, n);
      tag_field(f);
      r.value = Splice(PlaceholderAt(j, f), "NaN");
      break;
    }
    case BadKind::kInfinityValue: {
      static const char* kInf[] = {"Infinity", "-Infinity"};
      tag_field("unit_price");
      r.value = Splice(PlaceholderAt(j, "unit_price"), Rotate(kInf, n));
      break;
    }
    case BadKind::kIntegerOverflow:
      tag_field("quantity");
      r.value = Splice(PlaceholderAt(j, "quantity"), "99999999999999999999999");
      break;
    case BadKind::kUnknownEventType:
      j["event_type"] = "order_teleported";
      tag_field("event_type");
      r.value = j.dump();
      break;
    case BadKind::kUnknownCurrency:
      j["currency"] = "XYZ";
      tag_field("currency");
      r.value = j.dump();
      break;
    case BadKind::kBadCountryCode: {
      static const char* kCountries[] = {"USA", "XX", "u1", "Germany"};
      j["country"] = Rotate(kCountries, n);
      tag_field("country");
      r.value = j.dump();
      break;
    }
    case BadKind::kMalformedTimestamp: {
      static const char* kTimes[] = {"2024-13-45T25:61:00Z", "yesterday", "1700000000", "2024/05/01 10:00"};
      j["event_time"] = Rotate(kTimes, n);
      tag_field("event_time");
      r.value = j.dump();
      break;
    }
    case BadKind::kFutureTimestamp: {
      static const char* kTimes[] = {"2999-01-01T00:00:00.000Z", "2150-06-30T12:00:00.000Z"};
      j["event_time"] = Rotate(kTimes, n);
      tag_field("event_time");
      r.value = j.dump();
      break;
    }
    case BadKind::kAncientTimestamp: {
      static const char* kTimes[] = {"1999-12-31T23:59:59.000Z", "1970-01-01T00:00:00.000Z"};
      j["event_time"] = Rotate(kTimes, n);
      tag_field("event_time");
      r.value = j.dump();
      break;
    }
    case BadKind::kInvalidUtf8:
      tag_field("city");
      r.value = Splice(PlaceholderAt(j, "city"), "\"Z\xC3\x28rich \xFF\xFE\"");
      break;
    case BadKind::kControlCharacters:
      tag_field("customer_id");
      r.value = Splice(PlaceholderAt(j, "customer_id"), std::string("\"C\x01\x07\x1b[2J\x00" "1\"", 10));
      break;
    case BadKind::kByteOrderMark:
      r.value = "\xEF\xBB\xBF" + good.value;
      break;
    case BadKind::kDuplicateKeys: {
      std::string s = good.value;
      s.insert(s.size() - 1, ",\"quantity\":7,\"event_type\":\"add_to_cart\"");
      tag_field("quantity");
      r.value = s;
      break;
    }
    case BadKind::kDeepNesting:
      tag_field("extra");
      r.value = Splice(PlaceholderAt(j, "extra"), std::string(10'000, '[') + std::string(10'000, ']'));
      break;
    case BadKind::kUnknownExtraFields:
      j["coupon_code"] = "SPRING24";
      j["ab_bucket"] = static_cast<int>(n % 4);
      j["referrer"] = {{"source", "newsletter"}, {"campaign", n}};
      r.value = j.dump();
      break;
    case BadKind::kEmptyId: {
      static const char* kIds[] = {"event_id", "customer_id", "product_id"};
      const std::string f = Rotate(kIds, n);
      j[f] = "";
      if (f == "product_id") r.key.clear();
      tag_field(f);
      r.value = j.dump();
      break;
    }
    case BadKind::kDuplicateEvent:
      r.value = good.value;
      break;
    case BadKind::kHugeString:
      j["city"] = std::string(options_.huge_string_bytes, 'x');
      tag_field("city");
      r.value = j.dump();
      break;
    case BadKind::kOversizedMessage:
      j["payload"] = std::string(options_.oversized_bytes, 'y');
      tag_field("payload");
      r.value = j.dump();
      break;
  }
  return r;
}

}  // namespace medallion::ingest
