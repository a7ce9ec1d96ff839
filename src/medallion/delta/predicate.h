// A small filter language for scans: a conjunction of comparisons between a
// column and a literal ("country = 'DE' AND qty >= 3"). It prunes partitions,
// skips files whose stats rule them out, then filters rows exactly.
#pragma once

#include <arrow/compute/expression.h>
#include <arrow/type_fwd.h>

#include <optional>
#include <string>
#include <vector>

#include "medallion/common/result.h"
#include "medallion/delta/action.h"

namespace medallion::delta {

enum class CompareOp { kEq, kNe, kLt, kLe, kGt, kGe };

struct Comparison {
  std::string column;
  CompareOp op;
  std::shared_ptr<arrow::Scalar> literal;  // typed as the column
};

struct Predicate {
  std::vector<Comparison> terms;  // AND of all; empty = true
  bool empty() const { return terms.empty(); }
};

// Parses `text` against `schema`; errors name the unknown column or bad literal.
Result<Predicate> ParsePredicate(const std::string& text, const arrow::Schema& schema);

// False only if no row in the partition can match.
bool PartitionMayMatch(const Predicate& predicate, const PartitionValues& values, const arrow::Schema& schema);

// False only if the file's stats prove no row can match. Files without stats
// always may match.
bool StatsMayMatch(const Predicate& predicate, const std::optional<std::string>& stats_json,
                   const std::vector<std::string>& partition_columns);

// The predicate as an Arrow compute expression, for row filtering.
arrow::compute::Expression ToExpression(const Predicate& predicate);

}  // namespace medallion::delta
