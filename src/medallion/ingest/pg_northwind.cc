#include "medallion/ingest/pg_northwind.h"

#include <arrow/acero/exec_plan.h>
#include <arrow/acero/options.h>
#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>

#include "medallion/common/arrow_compute.h"
#include "medallion/common/arrow_status.h"
#include "medallion/delta/schema.h"
#include "medallion/delta/table.h"
#include "medallion/ingest/pg_keys.h"
#include "medallion/storage/object_store.h"

namespace medallion::ingest {

namespace ac = arrow::acero;
namespace cp = arrow::compute;

namespace {

using TablePtr = std::shared_ptr<arrow::Table>;

Result<TablePtr> Run(ac::Declaration plan) { return FromArrow(ac::DeclarationToTable(std::move(plan))); }

ac::Declaration Source(const TablePtr& t) { return {"table_source", ac::TableSourceNodeOptions(t)}; }

// Selected columns of `t` under new names ({"company_name", "customer_name"}).
Result<TablePtr> Pick(const TablePtr& t, const std::string& what,
                      const std::vector<std::pair<std::string, std::string>>& columns) {
  std::vector<int> indices;
  std::vector<std::string> names;
  for (const auto& [from, to] : columns) {
    int i = t->schema()->GetFieldIndex(from);
    if (i < 0) return Status::InvalidArgument(fmt::format("{} has no column '{}'", what, from));
    indices.push_back(i);
    names.push_back(to);
  }
  MEDALLION_ASSIGN_OR_RETURN_ARROW(auto picked, t->SelectColumns(indices));
  return FromArrow(picked->RenameColumns(names));
}

// A plan under construction and the names of the columns it produces.
struct Rel {
  ac::Declaration plan;
  std::vector<std::string> columns;
};

Rel LeftJoin(Rel left, const TablePtr& right, const std::string& left_key, const std::string& right_key) {
  std::vector<arrow::FieldRef> left_out(left.columns.begin(), left.columns.end()), right_out;
  for (const auto& f : right->schema()->fields()) {
    if (f->name() == right_key) continue;
    right_out.emplace_back(f->name());
    left.columns.push_back(f->name());
  }
  ac::HashJoinNodeOptions join(ac::JoinType::LEFT_OUTER, {arrow::FieldRef(left_key)}, {arrow::FieldRef(right_key)},
                               left_out, right_out);
  left.plan = ac::Declaration{"hashjoin", {std::move(left.plan), Source(right)}, std::move(join)};
  return left;
}

cp::SortKey Asc(const std::string& c) { return cp::SortKey(c, cp::SortOrder::Ascending); }
cp::SortKey Desc(const std::string& c) { return cp::SortKey(c, cp::SortOrder::Descending); }

cp::Expression AsDouble(const std::string& column) {
  return cp::call("cast", {cp::field_ref(column)}, cp::CastOptions::Safe(arrow::float64()));
}

Result<TablePtr> SortBy(const TablePtr& t, const std::vector<cp::SortKey>& keys) {
  MEDALLION_ASSIGN_OR_RETURN_ARROW(auto indices, cp::SortIndices(t, cp::SortOptions(keys)));
  MEDALLION_ASSIGN_OR_RETURN_ARROW(auto sorted, cp::Take(t, indices));
  return FromArrow(sorted.table()->CombineChunks());
}

Result<TablePtr> Aggregate(const TablePtr& facts, std::vector<cp::Aggregate> aggregates,
                           std::vector<arrow::FieldRef> keys) {
  return Run(ac::Declaration::Sequence(
      {{"table_source", ac::TableSourceNodeOptions(facts)},
       {"aggregate", ac::AggregateNodeOptions(std::move(aggregates), std::move(keys))}}));
}

template <typename ArrayType>
const ArrayType& Column(const TablePtr& combined, const std::string& name) {
  return static_cast<const ArrayType&>(*combined->GetColumnByName(name)->chunk(0));
}

Result<TablePtr> WithColumn(const TablePtr& t, const std::string& name, const std::shared_ptr<arrow::Array>& values) {
  return FromArrow(t->AddColumn(t->num_columns(), arrow::field(name, values->type()),
                                std::make_shared<arrow::ChunkedArray>(values)));
}

Result<TablePtr> RevenueByCountry(const TablePtr& facts) {
  MEDALLION_ASSIGN_OR_RETURN(auto t, Aggregate(facts,
                                               {{"hash_sum", nullptr, "line_revenue", "revenue"},
                                                {"hash_count_distinct", nullptr, "order_id", "orders"},
                                                {"hash_count_distinct", nullptr, "customer_id", "customers"}},
                                               {"country"}));
  MEDALLION_ASSIGN_OR_RETURN(t, Pick(t, "revenue by country",
                                     {{"country", "country"}, {"revenue", "revenue"}, {"orders", "orders"},
                                      {"customers", "customers"}}));
  return SortBy(t, {Desc("revenue"), Asc("country")});
}

Result<TablePtr> TopCountries(const TablePtr& by_country, int64_t n) {
  auto top = by_country->Slice(0, std::min<int64_t>(n, by_country->num_rows()));
  arrow::Int32Builder rank;
  for (int64_t i = 0; i < top->num_rows(); ++i) MEDALLION_RETURN_IF_ARROW_ERROR(rank.Append(static_cast<int32_t>(i + 1)));
  std::shared_ptr<arrow::Array> ranks;
  MEDALLION_RETURN_IF_ARROW_ERROR(rank.Finish(&ranks));
  return FromArrow(top->AddColumn(0, arrow::field("rank", arrow::int32()), std::make_shared<arrow::ChunkedArray>(ranks)));
}

Result<TablePtr> CategoryPerformance(const TablePtr& facts) {
  MEDALLION_ASSIGN_OR_RETURN(auto t, Aggregate(facts,
                                               {{"hash_sum", nullptr, "line_revenue", "revenue"},
                                                {"hash_sum", nullptr, "quantity", "quantity"},
                                                {"hash_count_distinct", nullptr, "order_id", "orders"},
                                                {"hash_count_all", nullptr, std::vector<arrow::FieldRef>{}, "lines"},
                                                {"hash_mean", nullptr, "discount", "avg_discount"}},
                                               {"category_name"}));
  MEDALLION_ASSIGN_OR_RETURN(t, Pick(t, "category performance",
                                     {{"category_name", "category_name"}, {"revenue", "revenue"},
                                      {"quantity", "quantity"}, {"orders", "orders"}, {"lines", "lines"},
                                      {"avg_discount", "avg_discount"}}));
  return SortBy(t, {Desc("revenue"), Asc("category_name")});
}

Result<TablePtr> MonthlyRevenue(const TablePtr& facts) {
  MEDALLION_ASSIGN_OR_RETURN(auto t, Aggregate(facts,
                                               {{"hash_sum", nullptr, "line_revenue", "revenue"},
                                                {"hash_count_distinct", nullptr, "order_id", "orders"}},
                                               {"order_month"}));
  MEDALLION_ASSIGN_OR_RETURN(
      t, Pick(t, "monthly revenue", {{"order_month", "month"}, {"revenue", "revenue"}, {"orders", "orders"}}));
  MEDALLION_ASSIGN_OR_RETURN(t, SortBy(t, {Asc("month")}));
  // Growth against the previous month in the data; none for the first.
  const auto& revenue = Column<arrow::DoubleArray>(t, "revenue");
  arrow::DoubleBuilder growth;
  for (int64_t i = 0; i < t->num_rows(); ++i) {
    if (i == 0 || revenue.Value(i - 1) == 0) {
      MEDALLION_RETURN_IF_ARROW_ERROR(growth.AppendNull());
    } else {
      MEDALLION_RETURN_IF_ARROW_ERROR(growth.Append(revenue.Value(i) / revenue.Value(i - 1) - 1));
    }
  }
  std::shared_ptr<arrow::Array> values;
  MEDALLION_RETURN_IF_ARROW_ERROR(growth.Finish(&values));
  return WithColumn(t, "mom_growth", values);
}

std::string Segment(int r, int f, int m) {
  if (r >= 4 && f >= 4 && m >= 4) return "Champions";
  if (r >= 3 && f >= 3) return "Loyal";
  if (r >= 4) return "Recent";
  if (r <= 2 && f >= 3) return "At Risk";
  if (r <= 2) return "Hibernating";
  return "Needs Attention";
}

// Scores of each row when rows are ordered by `keys` and cut into `buckets`.
Result<std::vector<int32_t>> TileBy(const TablePtr& t, const std::vector<cp::SortKey>& keys, int32_t buckets) {
  MEDALLION_ASSIGN_OR_RETURN_ARROW(auto order, cp::SortIndices(t, cp::SortOptions(keys)));
  const auto& positions = static_cast<const arrow::UInt64Array&>(*order);
  auto tiles = Ntile(t->num_rows(), buckets);
  std::vector<int32_t> scores(t->num_rows());
  for (int64_t p = 0; p < positions.length(); ++p) scores[positions.Value(p)] = tiles[p];
  return scores;
}

Result<std::shared_ptr<arrow::Array>> Int32Array(const std::vector<int32_t>& values) {
  arrow::Int32Builder b;
  MEDALLION_RETURN_IF_ARROW_ERROR(b.AppendValues(values));
  std::shared_ptr<arrow::Array> out;
  MEDALLION_RETURN_IF_ARROW_ERROR(b.Finish(&out));
  return out;
}

Result<TablePtr> CustomerRfm(const TablePtr& facts) {
  MEDALLION_ASSIGN_OR_RETURN(auto t, Aggregate(facts,
                                               {{"hash_max", nullptr, "order_date", "last_order_date"},
                                                {"hash_count_distinct", nullptr, "order_id", "frequency"},
                                                {"hash_sum", nullptr, "line_revenue", "monetary"}},
                                               {"customer_id", "customer_name", "country"}));
  MEDALLION_ASSIGN_OR_RETURN(
      t, Pick(t, "customer rfm",
              {{"customer_id", "customer_id"}, {"customer_name", "customer_name"}, {"country", "country"},
               {"last_order_date", "last_order_date"}, {"frequency", "frequency"}, {"monetary", "monetary"}}));
  MEDALLION_ASSIGN_OR_RETURN(t, SortBy(t, {Asc("customer_id")}));
  const int64_t n = t->num_rows();
  const auto& last = Column<arrow::Date32Array>(t, "last_order_date");
  int32_t reference = 0;
  for (int64_t i = 0; i < n; ++i) reference = std::max(reference, last.Value(i) + 1);
  std::vector<int32_t> recency(n);
  for (int64_t i = 0; i < n; ++i) recency[i] = reference - last.Value(i);
  MEDALLION_ASSIGN_OR_RETURN(auto recency_array, Int32Array(recency));
  MEDALLION_ASSIGN_OR_RETURN(t, WithColumn(t, "recency_days", recency_array));

  const cp::SortKey by_id = Asc("customer_id");
  MEDALLION_ASSIGN_OR_RETURN(auto r, TileBy(t, {Desc("recency_days"), by_id}, 5));
  MEDALLION_ASSIGN_OR_RETURN(auto f, TileBy(t, {Asc("frequency"), by_id}, 5));
  MEDALLION_ASSIGN_OR_RETURN(auto m, TileBy(t, {Asc("monetary"), by_id}, 5));
  MEDALLION_ASSIGN_OR_RETURN(auto decile, TileBy(t, {Desc("monetary"), by_id}, 10));
  arrow::StringBuilder score_text, segment;
  for (int64_t i = 0; i < n; ++i) {
    MEDALLION_RETURN_IF_ARROW_ERROR(score_text.Append(fmt::format("{}{}{}", r[i], f[i], m[i])));
    MEDALLION_RETURN_IF_ARROW_ERROR(segment.Append(Segment(r[i], f[i], m[i])));
  }
  std::shared_ptr<arrow::Array> score_array, segment_array;
  MEDALLION_RETURN_IF_ARROW_ERROR(score_text.Finish(&score_array));
  MEDALLION_RETURN_IF_ARROW_ERROR(segment.Finish(&segment_array));
  for (auto& [name, values] : std::vector<std::pair<std::string, std::vector<int32_t>*>>{
           {"r_score", &r}, {"f_score", &f}, {"m_score", &m}, {"monetary_decile", &decile}}) {
    MEDALLION_ASSIGN_OR_RETURN(auto array, Int32Array(*values));
    MEDALLION_ASSIGN_OR_RETURN(t, WithColumn(t, name, array));
  }
  MEDALLION_ASSIGN_OR_RETURN(t, WithColumn(t, "rfm_score", score_array));
  return WithColumn(t, "segment", segment_array);
}

Result<TablePtr> VipCustomers(const TablePtr& rfm) {
  MEDALLION_RETURN_IF_ERROR(EnsureArrowComputeReady());
  auto filter = cp::and_(cp::equal(cp::field_ref("monetary_decile"), cp::literal(1)),
                         cp::greater_equal(cp::field_ref("r_score"), cp::literal(4)));
  MEDALLION_ASSIGN_OR_RETURN(auto vip, Run(ac::Declaration::Sequence(
                                           {{"table_source", ac::TableSourceNodeOptions(rfm)},
                                            {"filter", ac::FilterNodeOptions(filter)}})));
  return SortBy(vip, {Desc("monetary"), Asc("customer_id")});
}


}  // namespace

Result<std::shared_ptr<arrow::Table>> ReadPgBronze(const std::string& lake_root, const std::string& table) {
  std::string uri = storage::JoinPath(lake_root, "bronze/pg_" + table);
  MEDALLION_ASSIGN_OR_RETURN(auto store, storage::OpenObjectStore(uri));
  auto opened = delta::Table::Open(store);
  if (!opened.ok()) {
    if (opened.status().IsNotFound()) {
      return Status::NotFound(fmt::format("{} not found: run `medallion ingest-pg --tables {}` first", uri, table));
    }
    return opened.status();
  }
  return delta::ScanToTable((*opened)->store(), *(*opened)->snapshot(), {});
}

Result<WrittenTable> ReplaceTable(const std::string& lake_root, const std::string& name,
                                  const std::shared_ptr<arrow::Table>& data) {
  MEDALLION_ASSIGN_OR_RETURN(auto store, storage::OpenObjectStore(storage::JoinPath(lake_root, name)));
  delta::CreateOptions create;
  MEDALLION_ASSIGN_OR_RETURN(create.schema, delta::CanonicalSchema(*data->schema()));
  MEDALLION_ASSIGN_OR_RETURN(auto table, delta::Table::OpenOrCreate(store, create));
  auto written = table->OverwritePartitions(data);
  if (!written.ok()) return written.status().WithContext(name);
  return WrittenTable{name, data->num_rows(), written->version};
}

std::vector<int32_t> Ntile(int64_t rows, int32_t buckets) {
  std::vector<int32_t> out(rows);
  const int64_t base = rows / buckets, extra = rows % buckets;
  int64_t position = 0;
  for (int32_t b = 1; b <= buckets && position < rows; ++b) {
    int64_t size = base + (b <= extra ? 1 : 0);
    for (int64_t k = 0; k < size; ++k) out[position++] = b;
  }
  return out;
}

Result<std::shared_ptr<arrow::Table>> CurrentRows(const std::shared_ptr<arrow::Table>& bronze,
                                                  const std::vector<std::string>& key_columns) {
  MEDALLION_ASSIGN_OR_RETURN_ARROW(auto flat, bronze->CombineChunks());
  for (const char* c : {"_op", "_ingested_at"}) {
    if (!flat->GetColumnByName(c)) return Status::InvalidArgument(fmt::format("Bronze table has no column {}", c));
  }
  MEDALLION_ASSIGN_OR_RETURN(auto keys, KeyStrings(*flat, key_columns));
  std::vector<int64_t> newest_rows;
  if (flat->num_rows() > 0) {
    const auto& ops = Column<arrow::StringArray>(flat, "_op");
    const auto& stamps = Column<arrow::TimestampArray>(flat, "_ingested_at");
    std::unordered_map<std::string, int64_t> newest;
    newest.reserve(flat->num_rows());
    for (int64_t i = 0; i < flat->num_rows(); ++i) {
      auto [it, inserted] = newest.try_emplace(keys[i], i);
      if (!inserted && stamps.Value(i) >= stamps.Value(it->second)) it->second = i;
    }
    for (const auto& [key, row] : newest) {
      if (ops.GetView(row) != "d") newest_rows.push_back(row);
    }
    std::sort(newest_rows.begin(), newest_rows.end());
  }
  arrow::Int64Builder indices;
  MEDALLION_RETURN_IF_ARROW_ERROR(indices.AppendValues(newest_rows));
  std::shared_ptr<arrow::Array> index_array;
  MEDALLION_RETURN_IF_ARROW_ERROR(indices.Finish(&index_array));
  MEDALLION_ASSIGN_OR_RETURN_ARROW(auto taken, cp::Take(flat, index_array));
  auto current = taken.table();
  MEDALLION_ASSIGN_OR_RETURN_ARROW(current, current->RemoveColumn(current->schema()->GetFieldIndex("_ingested_at")));
  MEDALLION_ASSIGN_OR_RETURN_ARROW(current, current->RemoveColumn(current->schema()->GetFieldIndex("_op")));
  return current;
}

Result<std::shared_ptr<arrow::Table>> BuildOrderFacts(const NorthwindSources& s) {
  MEDALLION_RETURN_IF_ERROR(EnsureArrowComputeReady());
  MEDALLION_ASSIGN_OR_RETURN(auto lines, Pick(s.order_details, "order_details",
                                              {{"order_id", "order_id"}, {"product_id", "product_id"},
                                               {"quantity", "quantity"}, {"unit_price", "unit_price"},
                                               {"discount", "discount"}}));
  MEDALLION_ASSIGN_OR_RETURN(auto orders, Pick(s.orders, "orders",
                                               {{"order_id", "o_order_id"}, {"customer_id", "customer_id"},
                                                {"employee_id", "employee_id"}, {"ship_via", "shipper_id"},
                                                {"order_date", "order_date"}, {"required_date", "required_date"},
                                                {"shipped_date", "shipped_date"}}));
  MEDALLION_ASSIGN_OR_RETURN(auto customers, Pick(s.customers, "customers",
                                                  {{"customer_id", "c_customer_id"}, {"company_name", "customer_name"},
                                                   {"city", "city"}, {"country", "country"}}));
  MEDALLION_ASSIGN_OR_RETURN(auto products, Pick(s.products, "products",
                                                 {{"product_id", "p_product_id"}, {"product_name", "product_name"},
                                                  {"category_id", "category_id"}}));
  MEDALLION_ASSIGN_OR_RETURN(auto categories, Pick(s.categories, "categories",
                                                   {{"category_id", "k_category_id"},
                                                    {"category_name", "category_name"}}));
  MEDALLION_ASSIGN_OR_RETURN(auto employees, Pick(s.employees, "employees",
                                                  {{"employee_id", "e_employee_id"}, {"first_name", "first_name"},
                                                   {"last_name", "last_name"}}));
  MEDALLION_ASSIGN_OR_RETURN(auto shippers, Pick(s.shippers, "shippers",
                                                 {{"shipper_id", "s_shipper_id"}, {"company_name", "shipper_name"}}));
  // Only lines whose order exists: inner join; dimensions are left joins so
  // a missing dimension row leaves NULLs instead of dropping revenue.
  std::vector<arrow::FieldRef> line_out = {"order_id", "product_id", "quantity", "unit_price", "discount"};
  std::vector<arrow::FieldRef> order_out = {"customer_id", "employee_id", "shipper_id", "order_date",
                                            "required_date", "shipped_date"};
  Rel rel{ac::Declaration{"hashjoin",
                          {Source(lines), Source(orders)},
                          ac::HashJoinNodeOptions(ac::JoinType::INNER, {"order_id"}, {"o_order_id"}, line_out,
                                                  order_out)},
          {"order_id", "product_id", "quantity", "unit_price", "discount", "customer_id", "employee_id",
           "shipper_id", "order_date", "required_date", "shipped_date"}};
  rel = LeftJoin(std::move(rel), customers, "customer_id", "c_customer_id");
  rel = LeftJoin(std::move(rel), products, "product_id", "p_product_id");
  rel = LeftJoin(std::move(rel), categories, "category_id", "k_category_id");
  rel = LeftJoin(std::move(rel), employees, "employee_id", "e_employee_id");
  rel = LeftJoin(std::move(rel), shippers, "shipper_id", "s_shipper_id");

  std::vector<cp::Expression> exprs;
  std::vector<std::string> names;
  auto keep = [&](const std::string& name) {
    exprs.push_back(cp::field_ref(name));
    names.push_back(name);
  };
  for (const char* c : {"order_id", "product_id", "customer_id", "customer_name", "city", "country", "product_name",
                        "category_id", "category_name", "employee_id"}) {
    keep(c);
  }
  exprs.push_back(cp::call("binary_join_element_wise",
                           {cp::field_ref("first_name"), cp::field_ref("last_name"), cp::literal(" ")}));
  names.push_back("employee_name");
  for (const char* c : {"shipper_id", "shipper_name", "order_date", "required_date", "shipped_date"}) keep(c);
  exprs.push_back(cp::call("floor_temporal", {cp::field_ref("order_date")},
                           cp::RoundTemporalOptions(1, cp::CalendarUnit::MONTH)));
  names.push_back("order_month");
  exprs.push_back(cp::call("cast", {cp::field_ref("quantity")}, cp::CastOptions::Safe(arrow::int32())));
  names.push_back("quantity");
  exprs.push_back(AsDouble("unit_price"));
  names.push_back("unit_price");
  exprs.push_back(AsDouble("discount"));
  names.push_back("discount");
  exprs.push_back(cp::call(
      "multiply", {cp::call("multiply", {AsDouble("unit_price"), AsDouble("quantity")}),
                   cp::call("subtract", {cp::literal(1.0), AsDouble("discount")})}));
  names.push_back("line_revenue");

  auto plan = ac::Declaration::Sequence(
      {std::move(rel.plan),
       {"project", ac::ProjectNodeOptions(std::move(exprs), std::move(names))},
       {"order_by", ac::OrderByNodeOptions(cp::Ordering({cp::SortKey("order_id"), cp::SortKey("product_id")}))}});
  MEDALLION_ASSIGN_OR_RETURN(auto facts, Run(std::move(plan)));
  return FromArrow(facts->CombineChunks());
}

Result<NorthwindGold> BuildNorthwindGold(const std::shared_ptr<arrow::Table>& facts) {
  MEDALLION_RETURN_IF_ERROR(EnsureArrowComputeReady());
  NorthwindGold gold;
  MEDALLION_ASSIGN_OR_RETURN(gold.revenue_by_country, RevenueByCountry(facts));
  MEDALLION_ASSIGN_OR_RETURN(gold.top_countries, TopCountries(gold.revenue_by_country, 3));
  MEDALLION_ASSIGN_OR_RETURN(gold.category_performance, CategoryPerformance(facts));
  MEDALLION_ASSIGN_OR_RETURN(gold.monthly_revenue, MonthlyRevenue(facts));
  MEDALLION_ASSIGN_OR_RETURN(gold.customer_rfm, CustomerRfm(facts));
  MEDALLION_ASSIGN_OR_RETURN(gold.vip_customers, VipCustomers(gold.customer_rfm));
  return gold;
}

}  // namespace medallion::ingest
