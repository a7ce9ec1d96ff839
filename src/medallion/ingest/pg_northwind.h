// The Northwind-shaped star schema and KPIs built from bronze/pg_* (what
// `medallion ingest-pg` writes from scripts/pg-sample's schema).
//
// Silver: the current version of every source row (the newest Bronze row
// per primary key, tombstones dropped) as silver/<table> dimensions, and
// silver/order_facts: one row per order line joined to its order, customer,
// product, category, employee and shipper, with
//   line_revenue = unit_price * quantity * (1 - discount)   (doubles).
// Gold (all from order_facts):
//   gold/revenue_by_country    country, revenue, orders, customers
//   gold/top_countries         the 3 countries with most revenue, with rank
//   gold/category_performance  category_name, revenue, quantity, orders, lines, avg_discount
//   gold/monthly_revenue       month (first day), revenue, orders, mom_growth
//   gold/customer_rfm          recency_days (to the day after the last order
//                              in the data), frequency (orders), monetary,
//                              r/f/m scores 1..5 (PostgreSQL's ntile(5): the
//                              more recent/frequent/valuable, the higher; ties
//                              broken by customer_id), rfm_score, segment
//   gold/vip_customers         top monetary decile (ntile(10) by monetary
//                              desc, customer_id) with r_score >= 4
// Each table is rebuilt in full and replaced in one commit.
#pragma once

#include <arrow/type_fwd.h>

#include <memory>
#include <string>
#include <vector>

#include "medallion/common/result.h"

namespace medallion::ingest {

struct WrittenTable {
  std::string name;  // "silver/order_facts"
  int64_t rows = 0;
  int64_t version = -1;
};

// Every row of <lake_root>/bronze/pg_<table>; NotFound says to run ingest-pg.
Result<std::shared_ptr<arrow::Table>> ReadPgBronze(const std::string& lake_root, const std::string& table);

// Replaces the whole content of <lake_root>/<name> with `data` in one commit
// (the model is rebuilt in full on every run), creating the table if absent.
Result<WrittenTable> ReplaceTable(const std::string& lake_root, const std::string& name,
                                  const std::shared_ptr<arrow::Table>& data);

// The newest row per key of a Bronze table (by _ingested_at), without
// tombstones (_op = "d") and without the _op/_ingested_at columns.
Result<std::shared_ptr<arrow::Table>> CurrentRows(const std::shared_ptr<arrow::Table>& bronze,
                                                  const std::vector<std::string>& key_columns);

// PostgreSQL's ntile(buckets) for rows already in window order: bucket (1..n)
// of each position; the first (rows % buckets) buckets get one extra row.
std::vector<int32_t> Ntile(int64_t rows, int32_t buckets);

struct NorthwindSources {
  std::shared_ptr<arrow::Table> orders, order_details, customers, products, categories, employees, shippers;
};

Result<std::shared_ptr<arrow::Table>> BuildOrderFacts(const NorthwindSources& current);

struct NorthwindGold {
  std::shared_ptr<arrow::Table> revenue_by_country, top_countries, category_performance, monthly_revenue,
      customer_rfm, vip_customers;
};

Result<NorthwindGold> BuildNorthwindGold(const std::shared_ptr<arrow::Table>& order_facts);

}  // namespace medallion::ingest
