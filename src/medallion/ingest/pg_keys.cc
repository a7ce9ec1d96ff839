#include "medallion/ingest/pg_keys.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <fmt/format.h>

#include "medallion/common/arrow_compute.h"
#include "medallion/common/arrow_status.h"

namespace medallion::ingest {

Result<std::vector<std::string>> KeyStrings(const arrow::Table& table, const std::vector<std::string>& key_columns) {
  MEDALLION_RETURN_IF_ERROR(EnsureArrowComputeReady());
  std::vector<std::string> keys(table.num_rows());
  for (size_t k = 0; k < key_columns.size(); ++k) {
    auto column = table.GetColumnByName(key_columns[k]);
    if (!column) return Status::InvalidArgument(fmt::format("key column '{}' is missing", key_columns[k]));
    MEDALLION_ASSIGN_OR_RETURN_ARROW(auto text, arrow::compute::Cast(column, arrow::utf8()));
    int64_t row = 0;
    for (const auto& chunk : text.chunked_array()->chunks()) {
      const auto& strings = static_cast<const arrow::StringArray&>(*chunk);
      for (int64_t i = 0; i < strings.length(); ++i, ++row) {
        if (k > 0) keys[row] += '\x1f';
        if (strings.IsNull(i)) {
          keys[row] += '\x1e';
        } else {
          keys[row].append(strings.GetView(i));
        }
      }
    }
  }
  return keys;
}

}  // namespace medallion::ingest
