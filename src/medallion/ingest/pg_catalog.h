// What PostgreSQL's catalog says about a source table: its columns (domains
// resolved to their base types) and its primary key.
#pragma once

#include <string>
#include <vector>

#include "medallion/common/result.h"
#include "medallion/ingest/pg_connection.h"
#include "medallion/ingest/pg_types.h"

namespace medallion::ingest {

struct PgTableInfo {
  std::string name;        // as given: "orders" or "sales.orders"
  std::string qualified;   // quoted for SQL: "\"sales\".\"orders\""
  std::vector<PgColumn> columns;
  std::vector<std::string> primary_key;  // in key order; empty if none

  const PgColumn* Find(const std::string& column) const;
};

// NotFound naming the table and database when there is no such table or view.
Result<PgTableInfo> DescribeTable(PgConnection& conn, const std::string& name);

}  // namespace medallion::ingest
