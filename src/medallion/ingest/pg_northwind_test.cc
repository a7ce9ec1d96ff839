#include "medallion/ingest/pg_northwind.h"

#include <arrow/api.h>
#include <arrow/json/from_string.h>
#include <gtest/gtest.h>

namespace medallion::ingest {
namespace {

using arrow::field;

std::shared_ptr<arrow::Table> MakeTable(const arrow::FieldVector& fields, const std::vector<std::string>& json) {
  arrow::ArrayVector columns;
  for (size_t i = 0; i < fields.size(); ++i) {
    columns.push_back(arrow::json::ArrayFromJSONString(fields[i]->type(), json[i]).ValueOrDie());
  }
  return arrow::Table::Make(arrow::schema(fields), columns);
}

template <typename T>
auto Values(const std::shared_ptr<arrow::Table>& t, const std::string& column) {
  auto combined = t->GetColumnByName(column);
  EXPECT_NE(combined, nullptr) << column;
  std::vector<typename T::TypeClass::c_type> out;
  for (const auto& chunk : combined->chunks()) {
    auto a = std::static_pointer_cast<T>(chunk);
    for (int64_t i = 0; i < a->length(); ++i) out.push_back(a->Value(i));
  }
  return out;
}

std::vector<std::string> Strings(const std::shared_ptr<arrow::Table>& t, const std::string& column) {
  std::vector<std::string> out;
  for (const auto& chunk : t->GetColumnByName(column)->chunks()) {
    auto a = std::static_pointer_cast<arrow::StringArray>(chunk);
    for (int64_t i = 0; i < a->length(); ++i) out.push_back(a->GetString(i));
  }
  return out;
}

const auto kTs = arrow::timestamp(arrow::TimeUnit::MICRO, "UTC");

TEST(Ntile, MatchesPostgresBucketSizes) {
  EXPECT_EQ(Ntile(7, 5), (std::vector<int32_t>{1, 1, 2, 2, 3, 4, 5}));
  EXPECT_EQ(Ntile(3, 5), (std::vector<int32_t>{1, 2, 3}));
  EXPECT_EQ(Ntile(10, 5), (std::vector<int32_t>{1, 1, 2, 2, 3, 3, 4, 4, 5, 5}));
  EXPECT_TRUE(Ntile(0, 5).empty());
}

TEST(CurrentRows, KeepsNewestVersionAndDropsDeletedKeys) {
  auto bronze = MakeTable({field("id", arrow::int32()), field("name", arrow::utf8()), field("_op", arrow::utf8()),
                           field("_ingested_at", kTs)},
                          {"[1, 2, 1, 3, 2]", R"(["old", "two", "new", "three", null])", R"(["r","r","r","r","d"])",
                           "[10, 10, 20, 20, 30]"});
  auto current = CurrentRows(bronze, {"id"});
  ASSERT_TRUE(current.ok()) << current.status();
  EXPECT_EQ((*current)->num_columns(), 2);
  EXPECT_EQ(Values<arrow::Int32Array>(*current, "id"), (std::vector<int32_t>{1, 3}));
  EXPECT_EQ(Strings(*current, "name"), (std::vector<std::string>{"new", "three"}));
}

// Three customers in two countries, four orders, five lines; revenues by hand:
//   order 1 (C1, 2024-01-05): 10 x 2.0 no discount = 20; 1 x 100 at 50% = 50
//   order 2 (C2, 2024-01-20): 4 x 5.0 at 25% = 15
//   order 3 (C1, 2024-02-10): 3 x 10.0 = 30
//   order 4 (C3, 2024-02-11): 1 x 2.0 = 2
NorthwindSources Sample() {
  NorthwindSources s;
  s.order_details = MakeTable(
      {field("order_id", arrow::int32()), field("product_id", arrow::int32()), field("unit_price", arrow::float64()),
       field("quantity", arrow::int16()), field("discount", arrow::float32())},
      {"[1, 1, 2, 3, 4]", "[10, 20, 10, 30, 10]", "[2.0, 100.0, 5.0, 10.0, 2.0]", "[10, 1, 4, 3, 1]",
       "[0, 0.5, 0.25, 0, 0]"});
  s.orders = MakeTable({field("order_id", arrow::int32()), field("customer_id", arrow::utf8()),
                        field("employee_id", arrow::int32()), field("order_date", arrow::date32()),
                        field("required_date", arrow::date32()), field("shipped_date", arrow::date32()),
                        field("ship_via", arrow::int32())},
                       {"[1, 2, 3, 4]", R"(["C1", "C2", "C1", "C3"])", "[1, 1, 2, 2]",
                        // 2024-01-05, 2024-01-20, 2024-02-10, 2024-02-11
                        "[19727, 19742, 19763, 19764]", "[19757, 19772, 19793, 19794]", "[19730, null, 19765, 19765]",
                        "[1, 2, 1, 1]"});
  s.customers = MakeTable({field("customer_id", arrow::utf8()), field("company_name", arrow::utf8()),
                           field("city", arrow::utf8()), field("country", arrow::utf8())},
                          {R"(["C1", "C2", "C3"])", R"(["Alfa", "Beta", "Gamma"])", R"(["Oslo", "Lyon", "Bergen"])",
                           R"(["Norway", "France", "Norway"])"});
  s.products = MakeTable({field("product_id", arrow::int32()), field("product_name", arrow::utf8()),
                          field("category_id", arrow::int32())},
                         {"[10, 20, 30]", R"(["Tea", "Caviar", "Bread"])", "[1, 2, 3]"});
  s.categories = MakeTable({field("category_id", arrow::int32()), field("category_name", arrow::utf8())},
                           {"[1, 2, 3]", R"(["Beverages", "Seafood", "Grains"])"});
  s.employees = MakeTable(
      {field("employee_id", arrow::int32()), field("first_name", arrow::utf8()), field("last_name", arrow::utf8())},
      {"[1, 2]", R"(["Nancy", "Andrew"])", R"(["Davolio", "Fuller"])"});
  s.shippers = MakeTable({field("shipper_id", arrow::int32()), field("company_name", arrow::utf8())},
                         {"[1, 2]", R"(["Speedy", "United"])"});
  return s;
}

TEST(OrderFacts, OneRowPerLineWithDimensionsAndRevenue) {
  auto facts = BuildOrderFacts(Sample());
  ASSERT_TRUE(facts.ok()) << facts.status();
  ASSERT_EQ((*facts)->num_rows(), 5);
  EXPECT_EQ(Values<arrow::Int32Array>(*facts, "order_id"), (std::vector<int32_t>{1, 1, 2, 3, 4}));
  EXPECT_EQ(Values<arrow::DoubleArray>(*facts, "line_revenue"), (std::vector<double>{20, 50, 15, 30, 2}));
  EXPECT_EQ(Strings(*facts, "country"), (std::vector<std::string>{"Norway", "Norway", "France", "Norway", "Norway"}));
  EXPECT_EQ(Strings(*facts, "category_name"),
            (std::vector<std::string>{"Beverages", "Seafood", "Beverages", "Grains", "Beverages"}));
  EXPECT_EQ(Strings(*facts, "employee_name")[3], "Andrew Fuller");
  EXPECT_EQ(Strings(*facts, "shipper_name")[2], "United");
  // floor to the month: 2024-01-01 = 19723, 2024-02-01 = 19754
  EXPECT_EQ(Values<arrow::Date32Array>(*facts, "order_month"), (std::vector<int32_t>{19723, 19723, 19723, 19754, 19754}));
}

TEST(NorthwindGold, KpisMatchHandComputedFigures) {
  auto facts = BuildOrderFacts(Sample());
  ASSERT_TRUE(facts.ok()) << facts.status();
  auto gold = BuildNorthwindGold(*facts);
  ASSERT_TRUE(gold.ok()) << gold.status();

  EXPECT_EQ(Strings(gold->revenue_by_country, "country"), (std::vector<std::string>{"Norway", "France"}));
  EXPECT_EQ(Values<arrow::DoubleArray>(gold->revenue_by_country, "revenue"), (std::vector<double>{102, 15}));
  EXPECT_EQ(Values<arrow::Int64Array>(gold->revenue_by_country, "orders"), (std::vector<int64_t>{3, 1}));
  EXPECT_EQ(Values<arrow::Int64Array>(gold->revenue_by_country, "customers"), (std::vector<int64_t>{2, 1}));
  EXPECT_EQ(gold->top_countries->num_rows(), 2);  // fewer countries than 3
  EXPECT_EQ(Values<arrow::Int32Array>(gold->top_countries, "rank"), (std::vector<int32_t>{1, 2}));

  EXPECT_EQ(Strings(gold->category_performance, "category_name"),
            (std::vector<std::string>{"Seafood", "Beverages", "Grains"}));
  EXPECT_EQ(Values<arrow::DoubleArray>(gold->category_performance, "revenue"), (std::vector<double>{50, 37, 30}));
  EXPECT_EQ(Values<arrow::Int64Array>(gold->category_performance, "lines"), (std::vector<int64_t>{1, 3, 1}));

  EXPECT_EQ(Values<arrow::Date32Array>(gold->monthly_revenue, "month"), (std::vector<int32_t>{19723, 19754}));
  EXPECT_EQ(Values<arrow::DoubleArray>(gold->monthly_revenue, "revenue"), (std::vector<double>{85, 32}));
  auto growth = gold->monthly_revenue->GetColumnByName("mom_growth")->chunk(0);
  EXPECT_TRUE(growth->IsNull(0));
  EXPECT_DOUBLE_EQ(std::static_pointer_cast<arrow::DoubleArray>(growth)->Value(1), 32.0 / 85.0 - 1);

  // RFM, reference day 2024-02-12: C1 last 02-10 (2 days, 2 orders, 100),
  // C2 01-20 (23 days, 1 order, 15), C3 02-11 (1 day, 1 order, 2).
  const auto& rfm = gold->customer_rfm;
  EXPECT_EQ(Strings(rfm, "customer_id"), (std::vector<std::string>{"C1", "C2", "C3"}));
  EXPECT_EQ(Values<arrow::Int32Array>(rfm, "recency_days"), (std::vector<int32_t>{2, 23, 1}));
  EXPECT_EQ(Values<arrow::Int64Array>(rfm, "frequency"), (std::vector<int64_t>{2, 1, 1}));
  EXPECT_EQ(Values<arrow::DoubleArray>(rfm, "monetary"), (std::vector<double>{100, 15, 2}));
  // 3 rows in 5 tiles: positions get 1, 2, 3. Recency desc: C2, C1, C3.
  EXPECT_EQ(Values<arrow::Int32Array>(rfm, "r_score"), (std::vector<int32_t>{2, 1, 3}));
  // Frequency asc, ties by id: C2, C3, C1.
  EXPECT_EQ(Values<arrow::Int32Array>(rfm, "f_score"), (std::vector<int32_t>{3, 1, 2}));
  EXPECT_EQ(Values<arrow::Int32Array>(rfm, "m_score"), (std::vector<int32_t>{3, 2, 1}));
  EXPECT_EQ(Values<arrow::Int32Array>(rfm, "monetary_decile"), (std::vector<int32_t>{1, 2, 3}));
  EXPECT_EQ(Strings(rfm, "rfm_score"), (std::vector<std::string>{"233", "112", "321"}));
  EXPECT_EQ(Strings(rfm, "segment"), (std::vector<std::string>{"At Risk", "Hibernating", "Needs Attention"}));
  // Top decile is C1, but its r_score is 2: no VIP here.
  EXPECT_EQ(gold->vip_customers->num_rows(), 0);
}

}  // namespace
}  // namespace medallion::ingest
