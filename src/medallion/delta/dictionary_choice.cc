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

// Bytes one distinct value takes in a PLAIN dictionary page; 0 for types
// writers never dictionary-encode (booleans) or that we leave alone (nested).
double DictionaryEntryBytes(const arrow::DataType& type, const arrow::Array& distinct) {
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
    case arrow::Type::STRING:
    case arrow::Type::BINARY:
      return MeanPlainBytes(static_cast<const arrow::BinaryArray&>(distinct));
    case arrow::Type::LARGE_STRING:
    case arrow::Type::LARGE_BINARY:
      return MeanPlainBytes(static_cast<const arrow::LargeBinaryArray&>(distinct));
    default:
      return 0;
  }
}

double DrawnDistinct(double set_size, double draws) { return set_size * -std::expm1(-draws / set_size); }

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
    MEDALLION_ASSIGN_OR_RETURN_ARROW(auto distinct, arrow::compute::Unique(column));
    const double entry_bytes = DictionaryEntryBytes(*column->type(), *distinct);
    if (entry_bytes == 0) continue;
    const int64_t distinct_values = distinct->length() - distinct->null_count();
    const double non_null_share = static_cast<double>(non_null) / static_cast<double>(column->length());
    auto expected_in = [&](int64_t rows) {
      return ExpectedDistinct(distinct_values, non_null, static_cast<int64_t>(static_cast<double>(rows) * non_null_share));
    };
    const std::string& name = sample.schema()->field(i)->name();
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
