#include "medallion/ingest/pg_connection.h"

#include <fmt/format.h>

#include "medallion/common/logging.h"

namespace medallion::ingest {

namespace {

// libpq messages end with a newline and may span lines ("FATAL: ...\nDETAIL");
// an error line keeps the first line only.
std::string FirstLine(const char* message) {
  std::string text = message ? message : "";
  auto nl = text.find('\n');
  if (nl != std::string::npos) text.resize(nl);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\r')) text.pop_back();
  return RedactSecrets(text);
}

}  // namespace

std::string QuoteIdent(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

PgConnection::PgConnection(PGconn* conn) : conn_(conn) {
  database_ = PQdb(conn_);
  where_ = fmt::format("{}:{}/{}", PQhost(conn_), PQport(conn_), database_);
}

PgConnection::~PgConnection() {
  if (copy_buffer_) PQfreemem(copy_buffer_);
  PQfinish(conn_);
}

Result<std::unique_ptr<PgConnection>> PgConnection::Connect(const std::string& dsn) {
  char* parse_error = nullptr;
  PQconninfoOption* options = PQconninfoParse(dsn.c_str(), &parse_error);
  if (!options) {
    std::string why = FirstLine(parse_error);
    if (parse_error) PQfreemem(parse_error);
    return Status::InvalidArgument(fmt::format("bad PostgreSQL DSN '{}': {}", RedactSecrets(dsn), why));
  }
  std::string host = "localhost", port = "5432", dbname;
  for (auto* o = options; o->keyword; ++o) {
    if (!o->val) continue;
    std::string key = o->keyword;
    if (key == "host" || key == "hostaddr") host = o->val;
    if (key == "port") port = o->val;
    if (key == "dbname") dbname = o->val;
  }
  PQconninfoFree(options);

  // A short connect timeout unless the DSN sets one: an unreachable server
  // should fail the run in seconds, not hang it.
  std::string full = dsn;
  if (dsn.find("connect_timeout") == std::string::npos) {
    bool uri = dsn.rfind("postgres://", 0) == 0 || dsn.rfind("postgresql://", 0) == 0;
    full += uri ? (dsn.find('?') == std::string::npos ? "?connect_timeout=10" : "&connect_timeout=10")
                : " connect_timeout=10";
  }
  PGconn* conn = PQconnectdb(full.c_str());
  if (!conn) return Status::Internal("libpq could not allocate a connection");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string why = FirstLine(PQerrorMessage(conn));
    PQfinish(conn);
    // libpq: 'connection to server at "h" (ip), port p failed: FATAL:  password
    // authentication failed for user "u"'; keep the cause after "failed: ".
    auto cut = why.find("failed: ");
    std::string cause = cut == std::string::npos ? why : why.substr(cut + 8);
    std::string target = fmt::format("PostgreSQL at {}:{}{}", host, port, dbname.empty() ? "" : "/" + dbname);
    if (why.find("password authentication failed") != std::string::npos ||
        why.find("no password supplied") != std::string::npos) {
      return Status::Unauthenticated(fmt::format("{}: {}", target, cause));
    }
    return Status::IOError(fmt::format("cannot connect to {}: {}", target, cause));
  }
  // Every timestamp we read as text is UTC; binary values are UTC anyway.
  PGresult* r = PQexec(conn, "SET TIME ZONE 'UTC'");
  PQclear(r);
  return std::unique_ptr<PgConnection>(new PgConnection(conn));
}

Status PgConnection::ErrorStatus(const std::string& context) const {
  return Status::IOError(fmt::format("{}: {} ({})", context, FirstLine(PQerrorMessage(conn_)), where_));
}

Result<PgResultPtr> PgConnection::Query(const std::string& sql, const std::vector<std::string>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p.c_str());
  PgResultPtr result(PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                                  nullptr, nullptr, 0));
  auto status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    std::string shown = sql.size() > 80 ? sql.substr(0, 77) + "..." : sql;
    return Status::IOError(fmt::format("query '{}' failed: {} ({})", shown,
                                       FirstLine(PQresultErrorMessage(result.get())), where_));
  }
  return result;
}

Status PgConnection::StartCopyOut(const std::string& copy_sql) {
  PgResultPtr result(PQexec(conn_, copy_sql.c_str()));
  if (PQresultStatus(result.get()) != PGRES_COPY_OUT) {
    return Status::IOError(
        fmt::format("COPY failed: {} ({})", FirstLine(PQresultErrorMessage(result.get())), where_));
  }
  return Status::OK();
}

Result<bool> PgConnection::ReadCopyRow(const char** data, int* size) {
  if (copy_buffer_) {
    PQfreemem(copy_buffer_);
    copy_buffer_ = nullptr;
  }
  int n = PQgetCopyData(conn_, &copy_buffer_, /*async=*/0);
  if (n > 0) {
    *data = copy_buffer_;
    *size = n;
    return true;
  }
  if (n == -2) return ErrorStatus("reading COPY data");
  // -1: done; the command's own result says whether it succeeded.
  bool ok = true;
  std::string why;
  while (PGresult* r = PQgetResult(conn_)) {
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
      ok = false;
      why = FirstLine(PQresultErrorMessage(r));
    }
    PQclear(r);
  }
  if (!ok) return Status::IOError(fmt::format("COPY failed: {} ({})", why, where_));
  return false;
}

}  // namespace medallion::ingest
