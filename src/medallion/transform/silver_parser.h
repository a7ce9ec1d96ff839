// Bronze value bytes -> one typed order, or every reason it cannot be one.
//
// Parsing is strict on purpose: Silver promises typed, trustworthy rows, so
// anything a reader would have to guess about (a number in a string, a
// duplicated key, a field Silver does not know, a timestamp without a UTC
// offset) is rejected here and quarantined with the rule it broke, instead of
// being coerced. Value rules (ranges, code sets, formats) are the suite's job
// (config/quality/orders_suite.yaml) and run on the typed rows afterwards.
//
// Rule names (they appear in the quarantine's failed_rules):
//   json_syntax            not parseable JSON (truncated, NaN, invalid UTF-8,
//                          raw control characters, too deep, empty value)
//   json_no_byte_order_mark  the value starts with a UTF-8 BOM
//   json_object            the value is JSON but not an object
//   json_unique_keys       a key occurs twice
//   schema_known_fields    a field Silver does not define
//   schema_required_field  a field is missing
//   schema_not_null        a field is null
//   schema_field_type      a field has the wrong JSON type or is out of range
//   schema_no_control_characters  a string holds a control character
//   schema_timestamp_format  event_time is not ISO-8601 with a UTC offset
//   event_time_not_after_ingest  event_time is more than the allowed skew
//                          after the time Bronze received the record
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace medallion::transform {

struct RuleFailure {
  std::string rule;
  std::string reason;  // names the rule and the field: "quantity: expected an integer, got string (schema_field_type)"
};

struct ParsedOrder {
  std::string event_id;
  std::string event_type;
  int64_t event_time_us = 0;
  std::string customer_id;
  std::string product_id;
  std::string category;
  std::string city;
  std::string country;
  int64_t quantity = 0;
  double unit_price = 0;
  std::string currency;
  bool promo = false;
  std::string store_id;
};

struct ParseOutcome {
  std::optional<ParsedOrder> order;  // set only when failures is empty
  std::vector<RuleFailure> failures;
};

struct ParserOptions {
  // How far an event's time may run ahead of the time Bronze stored it
  // (producer clocks drift; a year ahead is a bug, a minute is not).
  int64_t max_future_skew_us = 24LL * 3600 * 1000 * 1000;
};

class OrderParser {
 public:
  explicit OrderParser(ParserOptions options = {});
  ~OrderParser();
  OrderParser(const OrderParser&) = delete;
  OrderParser& operator=(const OrderParser&) = delete;

  // `ingest_time_us`: when Bronze received the record (for the future check).
  ParseOutcome Parse(std::string_view value, int64_t ingest_time_us);

 private:
  struct Impl;
  ParserOptions options_;
  std::unique_ptr<Impl> impl_;
};

// Trims ASCII whitespace at both ends.
std::string_view TrimAscii(std::string_view text);

}  // namespace medallion::transform
