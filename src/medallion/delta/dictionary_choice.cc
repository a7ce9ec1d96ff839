#include "medallion/delta/dictionary_choice.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>

#include <cmath>
#include <limits>

#include "medallion/common/arrow_compute.h"
#include "medallion/common/arrow_status.h"

namespace medallion::delta {

namespace {

// Mean bytes of a non-null value in a PLAIN page: 4-byte length + the bytes.
template <typename BinaryArrayType>
double MeanPlainBytes(const BinaryArrayType& values) {
  const int64_t n = values.length() - values.null_count();
  if (n <= 0) return 0;
  const double bytes = static_cast<double>(values.value_offset(values.length()) - values.value_offset(0));
  return 4 + bytes / static_cast<double>(n);
}

// Bytes a value of a fixed-width type takes in a PLAIN page; 0 for
// variable-width types and for types writers never dictionary-encode
// (booleans) or that we leave alone (nested).
double PlainFixedBytes(const arrow::DataType& type) {
  switch (type.id()) {
    case arrow::Type::INT8:
    case arrow::Type::INT16:
    case arrow::Type::INT32:
    case arrow::Type::UINT8:
    case arrow::Type::UINT16:
    case arrow::Type::UINT32:
    case arrow::Type::DATE32:
    case arrow::Type::FLOAT:
      return 4;
    case arrow::Type::INT64:
    case arrow::Type::UINT64:
    case arrow::Type::DATE64:
    case arrow::Type::TIMESTAMP:
    case arrow::Type::DOUBLE:
      return 8;
    default:
      return 0;
  }
}

// Bytes one distinct value takes in a PLAIN dictionary page; 0 for types
// left out of the choice.
double DictionaryEntryBytes(const arrow::DataType& type, const arrow::Array& distinct) {
  switch (type.id()) {
    case arrow::Type::STRING:
    case arrow::Type::BINARY:
      return MeanPlainBytes(static_cast<const arrow::BinaryArray&>(distinct));
    case arrow::Type::LARGE_STRING:
    case arrow::Type::LARGE_BINARY:
      return MeanPlainBytes(static_cast<const arrow::LargeBinaryArray&>(distinct));
    default:
      return PlainFixedBytes(type);
  }
}

double DrawnDistinct(double set_size, double draws) { return set_size * -std::expm1(-draws / set_size); }

// Rows from the start of `column` whose non-null values would, if all
// distinct, already fill a dictionary page of `limit` bytes; -1 if the whole
// column would not.
int64_t RowsToFillDictionary(const arrow::ChunkedArray& column, int64_t limit) {
  const double fixed = PlainFixedBytes(*column.type());
  double bytes = 0;
  int64_t row = 0;
  for (const auto& chunk : column.chunks()) {
    const bool binary = chunk->type_id() == arrow::Type::BINARY || chunk->type_id() == arrow::Type::STRING;
    if (!binary && fixed == 0) return -1;
    const auto* offsets = binary ? static_cast<const arrow::BinaryArray&>(*chunk).raw_value_offsets() : nullptr;
    for (int64_t i = 0; i < chunk->length(); ++i, ++row) {
      if (chunk->IsNull(i)) continue;
      bytes += binary ? 4.0 + (offsets[i + 1] - offsets[i]) : fixed;
      if (bytes > static_cast<double>(limit)) return row + 1;
    }
  }
  return -1;
}

// True when the first rows of `column` alone hold more distinct bytes than
// a dictionary page: the writer's dictionary would overflow within the row
// group they start, whatever the rest holds. Hashing only those rows decides
// a near-unique wide column (a Kafka value, a JSON payload) without hashing
// the whole sample, which cost more than encoding it.
Result<bool> PrefixOverflowsDictionary(const arrow::ChunkedArray& column, int64_t row_group_rows, int64_t limit) {
  const int64_t rows = RowsToFillDictionary(column, limit);
  if (rows < 0 || rows > row_group_rows || rows * 2 > column.length()) return false;
  MEDALLION_ASSIGN_OR_RETURN_ARROW(auto distinct, arrow::compute::Unique(column.Slice(0, rows)));
  const int64_t distinct_values = distinct->length() - distinct->null_count();
  return static_cast<double>(distinct_values) * DictionaryEntryBytes(*column.type(), *distinct) >
         static_cast<double>(limit);
}

}  // namespace

double ExpectedDistinct(int64_t sample_distinct, int64_t sample_size, int64_t rows) {
  if (sample_size <= 0 || rows <= 0) return 0;
  const double d = static_cast<double>(sample_distinct), k = static_cast<double>(sample_size);
  if (d >= k) return static_cast<double>(rows);  // no repeat seen: as many as rows
  // DrawnDistinct(N, k) grows with N from d (N = d) towards k: bisect in log space.
  double lo = std::max(d, 1.0), hi = 1e18;
  for (int i = 0; i < 200 && hi / lo > 1.0001; ++i) {
    const double mid = std::sqrt(lo * hi);
    (DrawnDistinct(mid, k) < d ? lo : hi) = mid;
  }
  return DrawnDistinct(lo, static_cast<double>(rows));
}

Result<DictionaryChoice> ChooseDictionaries(const arrow::Table& sample, int64_t row_group_rows, int64_t total_rows,
                                            int64_t dictionary_page_limit) {
  MEDALLION_RETURN_IF_ERROR(EnsureArrowComputeReady());
  DictionaryChoice choice;
  for (int i = 0; i < sample.num_columns(); ++i) {
    const auto& column = sample.column(i);
    const int64_t non_null = column->length() - column->null_count();
    if (non_null == 0 || column->type()->num_fields() > 0) continue;
    const std::string& name = sample.schema()->field(i)->name();
    MEDALLION_ASSIGN_OR_RETURN(bool overflows, PrefixOverflowsDictionary(*column, row_group_rows, dictionary_page_limit));
    if (overflows) {
      choice.plain.push_back(name);
      continue;
    }
    MEDALLION_ASSIGN_OR_RETURN_ARROW(auto distinct, arrow::compute::Unique(column));
    const double entry_bytes = DictionaryEntryBytes(*column->type(), *distinct);
    if (entry_bytes == 0) continue;
    const int64_t distinct_values = distinct->length() - distinct->null_count();
    const double non_null_share = static_cast<double>(non_null) / static_cast<double>(column->length());
    auto expected_in = [&](int64_t rows) {
      return ExpectedDistinct(distinct_values, non_null, static_cast<int64_t>(static_cast<double>(rows) * non_null_share));
    };
    const double in_row_group = expected_in(row_group_rows);
    const double in_write = expected_in(total_rows);
    if (in_row_group * entry_bytes > static_cast<double>(dictionary_page_limit)) {
      choice.plain.push_back(name);
    } else if ((column->type()->id() == arrow::Type::STRING || column->type()->id() == arrow::Type::BINARY) &&
               in_write * entry_bytes <= static_cast<double>(kMaxSharedDictionaryBytes) &&
               in_write <= 1.25 * in_row_group + 8) {
      // Every file would hold about the whole set anyway, so sharing it
      // costs no space.
      choice.shared_dictionary.push_back(name);
    }
  }
  return choice;
}

}  // namespace medallion::delta
