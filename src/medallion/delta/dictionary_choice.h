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

struct DictionaryChoice {
  // Columns whose dictionary would exceed the page limit within a row group:
  // written plain from the start.
  std::vector<std::string> plain;
  // String columns whose whole write holds few distinct values, about as
  // many as each row group: one dictionary is built before splitting
  // (PartitionPlan::DictionaryEncode) and every file carries all of it.
  std::vector<std::string> shared_dictionary;
};

inline constexpr int64_t kMaxSharedDictionaryBytes = 64 << 10;

// Decides from `sample`, the first rows of a write of `total_rows` rows cut
// into row groups of `row_group_rows` rows.
Result<DictionaryChoice> ChooseDictionaries(const arrow::Table& sample, int64_t row_group_rows, int64_t total_rows,
                                            int64_t dictionary_page_limit);

}  // namespace medallion::delta
