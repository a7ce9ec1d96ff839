// Grouped aggregation for the Gold tables through Acero: filter the Silver
// rows, project the measures, hash-aggregate by keys, sort by keys. Every
// Gold table starts from one of these; what Acero cannot express (growth
// against earlier days, ranks, quintiles, lags) is done on the small
// aggregated result.
#pragma once

#include <arrow/compute/expression.h>
#include <arrow/type_fwd.h>

#include <memory>
#include <string>
#include <vector>

#include "medallion/common/result.h"

namespace medallion::transform {

struct NamedExpression {
  std::string name;
  arrow::compute::Expression expression;
};

struct Aggregation {
  std::string function;  // hash aggregate: "hash_sum", "hash_count_distinct", "hash_min"...
  std::string column;    // a projected column
  std::string name;      // output column
};

struct GroupSpec {
  arrow::compute::Expression filter = arrow::compute::literal(true);
  std::vector<NamedExpression> projections;  // keys and measures
  std::vector<std::string> keys;             // names among the projections
  std::vector<Aggregation> aggregations;
};

// Output columns: keys then aggregations, rows sorted by the keys ascending.
Result<std::shared_ptr<arrow::Table>> GroupAggregate(const std::shared_ptr<arrow::Table>& input, const GroupSpec& spec);

// Expression helpers over Silver columns.
arrow::compute::Expression Col(const std::string& name);
arrow::compute::Expression DateLiteral(int32_t days);
arrow::compute::Expression DateBetween(const std::string& column, int32_t from, int32_t to);
arrow::compute::Expression EventTypeIs(const std::string& type);
// 1 where `condition` holds, else 0 (int64), for counting with hash_sum.
arrow::compute::Expression CountIf(const arrow::compute::Expression& condition);
// `value` cast to `type` where `condition` holds, else 0.
arrow::compute::Expression ValueIf(const arrow::compute::Expression& condition, const arrow::compute::Expression& value,
                                   const std::shared_ptr<arrow::DataType>& type);
arrow::compute::Expression CastTo(const arrow::compute::Expression& value, const std::shared_ptr<arrow::DataType>& type);

}  // namespace medallion::transform
