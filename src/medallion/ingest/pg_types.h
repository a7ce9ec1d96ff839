// PostgreSQL column types -> Arrow types, and the decoder that turns rows of
// a binary COPY (`COPY ... TO STDOUT (FORMAT binary)`) into Arrow batches.
// Binary COPY skips the server's text formatting and our parsing: integers,
// floats, dates and timestamps arrive as fixed-width big-endian values.
//
// Mapping: bool -> bool, int2/int4/int8 -> int16/int32/int64, float4/float8
// -> float/double, numeric -> double or decimal128(p,s) (PgTypeOptions),
// text/varchar/char/name -> utf8, bytea -> binary, date -> date32,
// timestamptz and timestamp -> timestamp[us, UTC] (a timestamp without time
// zone is read as UTC, the convention of the whole lake). Anything else is
// NotImplemented naming table.column and the type.
#pragma once

#include <arrow/type_fwd.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "medallion/common/result.h"

namespace medallion::ingest {

enum class NumericMode { kDouble, kDecimal };

struct PgTypeOptions {
  NumericMode numeric = NumericMode::kDouble;
};

struct PgColumn {
  std::string name;
  uint32_t type_oid = 0;   // base type (domains resolved)
  std::string type_name;   // as format_type() spells it: "numeric(10,2)"
  int32_t typmod = -1;
  bool not_null = false;
};

// The Arrow type a column is stored as in Bronze.
Result<std::shared_ptr<arrow::DataType>> ArrowTypeFor(const std::string& table, const PgColumn& column,
                                                      const PgTypeOptions& options);

// True for types usable as an incremental watermark (integers, date,
// timestamp, timestamptz); their values order like int64 WatermarkValue().
bool IsWatermarkType(uint32_t type_oid);

// One field of a binary COPY row: data == nullptr for SQL NULL.
struct PgField {
  const char* data = nullptr;
  int32_t size = 0;
};

// Splits one COPY data message into fields; the first message also carries
// the 19-byte file header. Returns false for the trailer (field count -1).
class PgCopyRowParser {
 public:
  Result<bool> Parse(const char* data, int size, std::vector<PgField>* fields);

 private:
  bool header_seen_ = false;
};

// A watermark field as int64: integers as is, timestamps as microseconds
// since the Unix epoch, dates as microseconds at midnight UTC.
Result<int64_t> WatermarkValue(uint32_t type_oid, const PgField& field);

// The SQL literal that compares equal to a watermark value in a column of
// `type_oid` ("'2024-06-01 00:00:00.000123+00'::timestamptz", "42").
std::string WatermarkLiteral(uint32_t type_oid, int64_t value);

// Appends decoded rows to Arrow builders; Flush() hands out a batch.
class PgBatchDecoder {
 public:
  static Result<std::unique_ptr<PgBatchDecoder>> Make(std::string table, std::vector<PgColumn> columns,
                                                      const PgTypeOptions& options);
  ~PgBatchDecoder();

  const std::shared_ptr<arrow::Schema>& schema() const { return schema_; }
  Status AppendRow(const std::vector<PgField>& fields);
  int64_t num_rows() const { return num_rows_; }
  Result<std::shared_ptr<arrow::RecordBatch>> Flush();

 private:
  struct Column;
  PgBatchDecoder() = default;
  Status AppendField(Column& column, const PgField& field);

  std::string table_;
  std::vector<Column> columns_;
  std::shared_ptr<arrow::Schema> schema_;
  int64_t num_rows_ = 0;
};

}  // namespace medallion::ingest
