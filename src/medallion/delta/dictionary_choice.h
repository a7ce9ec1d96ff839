// Which columns to write without a Parquet dictionary. Writers start every
// column chunk dictionary-encoded and fall back to plain encoding once the
// dictionary outgrows its page limit (1 MiB); for a near-unique column (ids,
// microsecond timestamps) everything hashed before the fall-back is wasted
// CPU and the dictionary page is wasted space. Deciding up front from a
// sample keeps the dictionary where it pays and skips it where it cannot.
#pragma once

#include <arrow/type_fwd.h>

#include <cstdint>
#include <string>
#include <vector>

#include "medallion/common/result.h"

namespace medallion::delta {

// Distinct values expected among `rows` draws from a column whose `sample_size`
// non-null sampled values held `sample_distinct` distinct ones, assuming
// values are drawn uniformly from a fixed set (solves D = N(1 - e^(-k/N))
// for the set size N). Skewed data makes this an underestimate, which errs
// towards keeping the dictionary: the writers' default.
double ExpectedDistinct(int64_t sample_distinct, int64_t sample_size, int64_t rows);

// Top-level columns of `sample` whose dictionary would exceed
// `dictionary_page_limit` bytes within a row group of `row_group_rows` rows.
Result<std::vector<std::string>> ColumnsWithoutDictionary(const arrow::Table& sample, int64_t row_group_rows,
                                                          int64_t dictionary_page_limit);

}  // namespace medallion::delta
