// One message as the generators hand it to a producer: key, value and
// headers are raw bytes (bad records are deliberately not valid UTF-8 or JSON).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace medallion::ingest {

// Header names the generator sets; tests and quality checks look them up.
inline constexpr std::string_view kBadKindHeader = "medallion.bad_kind";
inline constexpr std::string_view kBadFieldHeader = "medallion.bad_field";

struct KafkaRecord {
  std::string key;
  std::string value;
  std::vector<std::pair<std::string, std::string>> headers;
  // Event time of the payload, milliseconds since the epoch. Producers send
  // the broker's CreateTime as "now" instead: an old CreateTime would make a
  // real broker's time-based retention delete history at once.
  int64_t event_time_ms = 0;

  // The value of header `name`, or empty if absent.
  std::string_view Header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
      if (k == name) return v;
    }
    return {};
  }
};

}  // namespace medallion::ingest
