// Per-file column statistics for add.stats, so Spark, delta-rs, DuckDB and
// our own scans can skip files: {"numRecords", "minValues", "maxValues",
// "nullCount"}. Min/max are collected for the first `max_indexed_columns`
// columns (delta.dataSkippingNumIndexedCols, default 32) of types that order
// naturally; nested structs recurse.
#pragma once

#include <arrow/type_fwd.h>
#include <parquet/type_fwd.h>

#include <string>

#include "medallion/common/result.h"

namespace medallion::delta {

inline constexpr int kDefaultIndexedColumns = 32;

// Statistics of `rows` (the data file's columns, without partition columns)
// as the JSON string stored in add.stats.
Result<std::string> ComputeStatsJson(const arrow::Table& rows, int max_indexed_columns = kDefaultIndexedColumns);

// The same JSON for `rows` just written as the Parquet file `footer`
// describes: min, max and null count of flat columns come from the footer's
// column chunk statistics, which the writer gathered while encoding, instead
// of a second pass over the data. Columns the footer cannot answer for
// (nested, decimal, statistics dropped for oversized values) take that pass.
Result<std::string> StatsJsonFromParquetFooter(const arrow::Table& rows, const parquet::FileMetaData& footer,
                                               int max_indexed_columns = kDefaultIndexedColumns);

}  // namespace medallion::delta
