// One libpq connection. Every libpq failure becomes a Status whose message
// names the server or the statement and never carries the password: the DSN
// is redacted before it can reach a message.
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <string>
#include <vector>

#include "medallion/common/result.h"

namespace medallion::ingest {

// Owns a PGresult; empty results are null.
struct PgResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResultPtr = std::unique_ptr<PGresult, PgResultDeleter>;

class PgConnection {
 public:
  // Connects with a libpq DSN (URI or key=value). Unreachable servers are
  // IOError, refused credentials Unauthenticated; both name host and port.
  static Result<std::unique_ptr<PgConnection>> Connect(const std::string& dsn);
  ~PgConnection();

  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Runs a statement with text parameters; the rows come back as text.
  Result<PgResultPtr> Query(const std::string& sql, const std::vector<std::string>& params = {});
  Status Execute(const std::string& sql) { return Query(sql).status(); }

  // Starts `COPY (...) TO STDOUT`; then call ReadCopyRow until it returns
  // false. The row view points into a buffer that lives until the next call.
  Status StartCopyOut(const std::string& copy_sql);
  // false at the end of the COPY data (after checking the command's outcome).
  Result<bool> ReadCopyRow(const char** data, int* size);

  const std::string& database() const { return database_; }
  // "host:port/db" for messages.
  const std::string& where() const { return where_; }
  PGconn* raw() { return conn_; }

 private:
  explicit PgConnection(PGconn* conn);
  Status ErrorStatus(const std::string& context) const;

  PGconn* conn_;
  std::string database_;
  std::string where_;
  char* copy_buffer_ = nullptr;
};

// A double-quoted SQL identifier ("order details" -> "\"order details\"").
std::string QuoteIdent(const std::string& name);

}  // namespace medallion::ingest
