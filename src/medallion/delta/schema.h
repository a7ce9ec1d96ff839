// Table schemas: Delta stores Spark's JSON schema ("schemaString"); medallion
// works in Arrow. These conversions define which Arrow types a Delta table
// can hold and how they are written to Parquet.
#pragma once

#include <arrow/type_fwd.h>

#include <memory>
#include <string>
#include <vector>

#include "medallion/common/result.h"

namespace medallion::delta {

// Spark JSON schema -> Arrow. Delta "timestamp" is timestamp[us, UTC],
// "timestamp_ntz" timestamp[us], "date" date32, "decimal(p,s)" decimal128.
Result<std::shared_ptr<arrow::Schema>> SchemaFromSparkJson(const std::string& schema_string);

// Arrow -> Spark JSON schema. Every Arrow timestamp becomes Delta "timestamp"
// (UTC, microseconds): medallion keeps all times in UTC (ARCHITECTURE.md), and
// "timestamp_ntz" would need a writer table feature older readers lack.
Result<std::string> SchemaToSparkJson(const arrow::Schema& schema);

// The Arrow schema medallion actually writes for `schema` (the canonical form
// after a round trip through Delta: large_utf8 -> utf8, timestamps -> us UTC...).
Result<std::shared_ptr<arrow::Schema>> CanonicalSchema(const arrow::Schema& schema);

// Parses the CLI's compact form: "id:long,name:string,price:double,ts:timestamp".
// Also accepts a Spark JSON schema (a string starting with '{').
Result<std::shared_ptr<arrow::Schema>> ParseSchemaSpec(const std::string& spec);

// Schema with the partition columns removed (what data files hold).
Result<std::shared_ptr<arrow::Schema>> DataFileSchema(const arrow::Schema& table_schema,
                                                       const std::vector<std::string>& partition_columns);

}  // namespace medallion::delta
