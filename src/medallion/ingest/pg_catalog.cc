#include "medallion/ingest/pg_catalog.h"

#include <fmt/format.h>

#include <cstdlib>

namespace medallion::ingest {

const PgColumn* PgTableInfo::Find(const std::string& column) const {
  for (const auto& c : columns) {
    if (c.name == column) return &c;
  }
  return nullptr;
}

Result<PgTableInfo> DescribeTable(PgConnection& conn, const std::string& name) {
  std::string schema, relname = name;
  if (auto dot = name.find('.'); dot != std::string::npos) {
    schema = name.substr(0, dot);
    relname = name.substr(dot + 1);
  }
  // Without a schema, the table the search_path finds (as psql would).
  MEDALLION_ASSIGN_OR_RETURN(auto rel, conn.Query("SELECT c.oid, n.nspname FROM pg_class c "
                                                  "JOIN pg_namespace n ON n.oid = c.relnamespace "
                                                  "WHERE c.relname = $1 AND c.relkind IN ('r','p','v','m','f') "
                                                  "AND (($2 = '' AND pg_table_is_visible(c.oid)) OR n.nspname = $2)",
                                                  {relname, schema}));
  if (PQntuples(rel.get()) == 0) {
    return Status::NotFound(fmt::format("table '{}' not found in database '{}' ({})", name, conn.database(),
                                        conn.where()));
  }
  std::string oid = PQgetvalue(rel.get(), 0, 0);
  PgTableInfo info;
  info.name = name;
  info.qualified = QuoteIdent(PQgetvalue(rel.get(), 0, 1)) + "." + QuoteIdent(relname);

  MEDALLION_ASSIGN_OR_RETURN(
      auto cols, conn.Query("SELECT a.attname, CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE a.atttypid END, "
                            "format_type(a.atttypid, a.atttypmod), "
                            "CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END, a.attnotnull "
                            "FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
                            "WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
                            {oid}));
  for (int i = 0; i < PQntuples(cols.get()); ++i) {
    PgColumn c;
    c.name = PQgetvalue(cols.get(), i, 0);
    c.type_oid = static_cast<uint32_t>(std::strtoul(PQgetvalue(cols.get(), i, 1), nullptr, 10));
    c.type_name = PQgetvalue(cols.get(), i, 2);
    c.typmod = std::atoi(PQgetvalue(cols.get(), i, 3));
    c.not_null = PQgetvalue(cols.get(), i, 4)[0] == 't';
    info.columns.push_back(std::move(c));
  }
  MEDALLION_ASSIGN_OR_RETURN(
      auto pk, conn.Query("SELECT a.attname FROM pg_index i "
                          "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
                          "WHERE i.indrelid = $1::oid AND i.indisprimary "
                          "ORDER BY array_position(i.indkey::int2[], a.attnum)",
                          {oid}));
  for (int i = 0; i < PQntuples(pk.get()); ++i) info.primary_key.emplace_back(PQgetvalue(pk.get(), i, 0));
  return info;
}

}  // namespace medallion::ingest
