// Small bridges between Arrow values and the JSON/text medallion reports them in.
#pragma once

#include <arrow/type_fwd.h>

#include <cstdint>
#include <string>

#include "medallion/quality/expectation.h"

namespace medallion::quality {

// The value at `row` as JSON: numbers stay numbers, timestamps and dates
// become ISO strings, null is null.
Json ArrayValueToJson(const arrow::Array& array, int64_t row);

// The Great Expectations (pandas/numpy) name of an Arrow type: "int64",
// "float64", "bool", "str", "datetime64", ...
std::string GreatExpectationsTypeName(const arrow::DataType& type);

// Whether a column of `type` satisfies expect_column_values_to_be_of_type
// with `type_name`. Accepts numpy/pandas names ("int64", "float64", "str",
// "object", "bool", "datetime64[ns]"), Python names ("int", "float", "str"),
// Spark names ("LongType", "StringType", "TimestampType"...) and Arrow names
// ("utf8", "large_string", "timestamp").
bool TypeMatchesName(const arrow::DataType& type, const std::string& type_name);

}  // namespace medallion::quality
