#include "medallion/transform/gold_aggregate.h"

#include <arrow/acero/exec_plan.h>
#include <arrow/acero/options.h>
#include <arrow/api.h>
#include <arrow/compute/api.h>

#include "medallion/common/arrow_compute.h"
#include "medallion/common/arrow_status.h"

namespace medallion::transform {

namespace ac = arrow::acero;
namespace cp = arrow::compute;

Result<std::shared_ptr<arrow::Table>> GroupAggregate(const std::shared_ptr<arrow::Table>& input, const GroupSpec& spec) {
  MEDALLION_RETURN_IF_ERROR(EnsureArrowComputeReady());
  std::vector<cp::Expression> expressions;
  std::vector<std::string> names;
  for (const auto& p : spec.projections) {
    expressions.push_back(p.expression);
    names.push_back(p.name);
  }
  std::vector<cp::Aggregate> aggregates;
  for (const auto& a : spec.aggregations) {
    std::shared_ptr<cp::FunctionOptions> options;
    if (a.function == "hash_count_distinct" || a.function == "hash_count") {
      options = std::make_shared<cp::CountOptions>(cp::CountOptions::ONLY_VALID);
    } else {
      options = std::make_shared<cp::ScalarAggregateOptions>(/*skip_nulls=*/true, /*min_count=*/0);
    }
    aggregates.emplace_back(a.function, options, arrow::FieldRef(a.column), a.name);
  }
  std::vector<arrow::FieldRef> keys;
  std::vector<cp::SortKey> sort_keys;
  for (const auto& k : spec.keys) {
    keys.emplace_back(k);
    sort_keys.emplace_back(arrow::FieldRef(k));
  }
  ac::Declaration plan = ac::Declaration::Sequence({
      {"table_source", ac::TableSourceNodeOptions(input)},
      {"filter", ac::FilterNodeOptions(spec.filter)},
      {"project", ac::ProjectNodeOptions(std::move(expressions), std::move(names))},
      {"aggregate", ac::AggregateNodeOptions(std::move(aggregates), std::move(keys))},
      {"order_by", ac::OrderByNodeOptions(cp::Ordering(std::move(sort_keys)))},
  });
  // One thread: sums of doubles then add up in one order, so a rerun writes
  // bit-identical Gold files.
  MEDALLION_ASSIGN_OR_RETURN_ARROW(auto table, ac::DeclarationToTable(std::move(plan), /*use_threads=*/false));
  // Keys first, then aggregations, whatever order this Arrow version emits.
  std::vector<int> order;
  for (const auto& k : spec.keys) order.push_back(table->schema()->GetFieldIndex(k));
  for (const auto& a : spec.aggregations) order.push_back(table->schema()->GetFieldIndex(a.name));
  for (int i : order) {
    if (i < 0) return Status::Internal("aggregate output lost a column");
  }
  MEDALLION_ASSIGN_OR_RETURN_ARROW(table, table->SelectColumns(order));
  MEDALLION_ASSIGN_OR_RETURN_ARROW(table, table->CombineChunks());
  return table;
}

cp::Expression Col(const std::string& name) { return cp::field_ref(name); }

cp::Expression DateLiteral(int32_t days) { return cp::literal(std::make_shared<arrow::Date32Scalar>(days)); }

cp::Expression DateBetween(const std::string& column, int32_t from, int32_t to) {
  return cp::and_(cp::greater_equal(Col(column), DateLiteral(from)), cp::less_equal(Col(column), DateLiteral(to)));
}

cp::Expression EventTypeIs(const std::string& type) { return cp::equal(Col("event_type"), cp::literal(type)); }

cp::Expression CastTo(const cp::Expression& value, const std::shared_ptr<arrow::DataType>& type) {
  return cp::call("cast", {value}, cp::CastOptions::Safe(type));
}

cp::Expression CountIf(const cp::Expression& condition) {
  return cp::call("if_else", {condition, cp::literal(int64_t{1}), cp::literal(int64_t{0})});
}

cp::Expression ValueIf(const cp::Expression& condition, const cp::Expression& value,
                       const std::shared_ptr<arrow::DataType>& type) {
  auto zero = type->id() == arrow::Type::DOUBLE ? cp::literal(0.0) : cp::literal(int64_t{0});
  return cp::call("if_else", {condition, CastTo(value, type), CastTo(zero, type)});
}

}  // namespace medallion::transform
