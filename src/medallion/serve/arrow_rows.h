// Arrow tables as JSON rows: the data routes work on small Gold tables, and
// plain JSON objects keep their code short. Dates become "YYYY-MM-DD",
// timestamps RFC 3339 UTC strings, binary as text, NaN and infinities null
// (JSON has none).
#pragma once

#include <arrow/type_fwd.h>

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "medallion/common/result.h"

namespace medallion::serve {

using JsonRows = std::vector<nlohmann::json>;

// One JSON object per row, keys in schema order; other types (maps,
// structs) as Arrow's text form.
Result<JsonRows> TableToJsonRows(const arrow::Table& table);

// "2026-01-31" for days since the epoch.
std::string FormatDate(int32_t days);
// "2026-01-31T12:00:00.250Z" for microseconds since the epoch.
std::string FormatTimestampMicros(int64_t micros);

}  // namespace medallion::serve
