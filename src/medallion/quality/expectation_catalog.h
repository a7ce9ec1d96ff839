// The expectation types medallion evaluates, and the kwargs each accepts, so a
// malformed suite is rejected when it is loaded (naming the expectation and the
// bad key) instead of half-way through a streaming job.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "medallion/common/status.h"
#include "medallion/quality/expectation.h"

namespace medallion::quality {

// How an expectation looks at the data; decides the shape of its result and
// whether it can point at individual failing rows.
enum class ExpectationKind {
  kTable,        // about the table as a whole (columns, row count)
  kColumnWhole,  // about a column as a whole (its type)
  kColumnMap,    // about every value of a column: per-row outcome
};

struct ExpectationSpec {
  std::string_view type;
  ExpectationKind kind;
  std::vector<std::string_view> required;  // kwargs that must be present (and non-null)
  std::vector<std::string_view> optional;  // other kwargs it understands
};

// nullptr for a type medallion does not know.
const ExpectationSpec* FindExpectationSpec(std::string_view type);

// Every supported type name, for error messages.
std::string SupportedExpectationTypes();

// Checks an expectation against its spec: known type, required kwargs present,
// no unknown kwargs, value types that make sense (numbers for bounds, a list
// for value_set, 0 <= mostly <= 1). `where` names it in errors
// ("suite.json: expectations[3]").
Status CheckExpectation(const Expectation& expectation, std::string_view where);

}  // namespace medallion::quality
