// Row keys as strings, so rows from PostgreSQL and rows read back from Bronze
// can be matched by primary key whatever the key's columns and types.
#pragma once

#include <arrow/type_fwd.h>

#include <string>
#include <vector>

#include "medallion/common/result.h"

namespace medallion::ingest {

// One string per row: the key columns cast to text, joined with '\x1f'
// (NULL spelled "\x1e"). Equal keys give equal strings for equal types.
Result<std::vector<std::string>> KeyStrings(const arrow::Table& table, const std::vector<std::string>& key_columns);

}  // namespace medallion::ingest
