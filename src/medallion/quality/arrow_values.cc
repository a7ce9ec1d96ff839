#include "medallion/quality/arrow_values.h"

#include <arrow/api.h>

#include <algorithm>
#include <cctype>
#include <initializer_list>

namespace medallion::quality {
namespace {

bool OneOf(const std::string& name, std::initializer_list<const char*> names) {
  return std::any_of(names.begin(), names.end(), [&](const char* n) { return name == n; });
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

}  // namespace

Json ArrayValueToJson(const arrow::Array& array, int64_t row) {
  if (array.IsNull(row)) return nullptr;
  switch (array.type_id()) {
    case arrow::Type::BOOL:
      return static_cast<const arrow::BooleanArray&>(array).Value(row);
    case arrow::Type::INT8:
      return static_cast<const arrow::Int8Array&>(array).Value(row);
    case arrow::Type::INT16:
      return static_cast<const arrow::Int16Array&>(array).Value(row);
    case arrow::Type::INT32:
      return static_cast<const arrow::Int32Array&>(array).Value(row);
    case arrow::Type::INT64:
      return static_cast<const arrow::Int64Array&>(array).Value(row);
    case arrow::Type::UINT8:
      return static_cast<const arrow::UInt8Array&>(array).Value(row);
    case arrow::Type::UINT16:
      return static_cast<const arrow::UInt16Array&>(array).Value(row);
    case arrow::Type::UINT32:
      return static_cast<const arrow::UInt32Array&>(array).Value(row);
    case arrow::Type::UINT64:
      return static_cast<const arrow::UInt64Array&>(array).Value(row);
    case arrow::Type::FLOAT:
      return static_cast<const arrow::FloatArray&>(array).Value(row);
    case arrow::Type::DOUBLE:
      return static_cast<const arrow::DoubleArray&>(array).Value(row);
    case arrow::Type::STRING:
      return static_cast<const arrow::StringArray&>(array).GetString(row);
    case arrow::Type::LARGE_STRING:
      return static_cast<const arrow::LargeStringArray&>(array).GetString(row);
    default:
      break;
  }
  auto scalar = array.GetScalar(row);
  if (!scalar.ok()) return nullptr;
  return (*scalar)->ToString();
}

std::string GreatExpectationsTypeName(const arrow::DataType& type) {
  switch (type.id()) {
    case arrow::Type::BOOL:
      return "bool";
    case arrow::Type::INT8:
    case arrow::Type::INT16:
    case arrow::Type::INT32:
    case arrow::Type::INT64:
    case arrow::Type::UINT8:
    case arrow::Type::UINT16:
    case arrow::Type::UINT32:
    case arrow::Type::UINT64:
      return type.ToString();  // "int64", "uint8": numpy spells them the same
    case arrow::Type::HALF_FLOAT:
      return "float16";
    case arrow::Type::FLOAT:
      return "float32";
    case arrow::Type::DOUBLE:
      return "float64";
    case arrow::Type::STRING:
    case arrow::Type::LARGE_STRING:
    case arrow::Type::STRING_VIEW:
      return "str";
    case arrow::Type::BINARY:
    case arrow::Type::LARGE_BINARY:
      return "bytes";
    case arrow::Type::TIMESTAMP:
      return "datetime64";
    case arrow::Type::DATE32:
    case arrow::Type::DATE64:
      return "date";
    case arrow::Type::DICTIONARY:
      return "category";
    default:
      return type.ToString();
  }
}

bool TypeMatchesName(const arrow::DataType& type, const std::string& name) {
  const std::string lower = Lower(name);
  switch (type.id()) {
    case arrow::Type::BOOL:
      return OneOf(lower, {"bool", "bool_", "boolean", "booleantype"});
    case arrow::Type::INT8:
      return OneOf(lower, {"int8", "bytetype", "tinyint"});
    case arrow::Type::INT16:
      return OneOf(lower, {"int16", "shorttype", "smallint"});
    case arrow::Type::INT32:
      return OneOf(lower, {"int32", "integertype"});
    case arrow::Type::INT64:
      return OneOf(lower, {"int64", "int", "long", "longtype", "bigint"});
    case arrow::Type::UINT8:
    case arrow::Type::UINT16:
    case arrow::Type::UINT32:
    case arrow::Type::UINT64:
      return lower == type.ToString();
    case arrow::Type::HALF_FLOAT:
      return lower == "float16";
    case arrow::Type::FLOAT:
      return OneOf(lower, {"float32", "floattype", "real"});
    case arrow::Type::DOUBLE:
      return OneOf(lower, {"float64", "float", "double", "doubletype"});
    case arrow::Type::STRING:
    case arrow::Type::LARGE_STRING:
    case arrow::Type::STRING_VIEW:
      // "object" is what pandas < 3 called a string column.
      return OneOf(lower, {"str", "str_", "string", "string_types", "unicode", "object", "object_", "o", "stringtype",
                           "utf8", "large_string", "large_utf8", "string_view", "varchar", "text"});
    case arrow::Type::BINARY:
    case arrow::Type::LARGE_BINARY:
      return OneOf(lower, {"bytes", "bytes_", "binary", "binarytype", "large_binary"});
    case arrow::Type::TIMESTAMP:
      return lower.rfind("datetime64", 0) == 0 || lower.rfind("timestamp", 0) == 0 ||
             OneOf(lower, {"datetime", "datetimetzdtype", "timestamptype", "timestampntztype"});
    case arrow::Type::DATE32:
    case arrow::Type::DATE64:
      return OneOf(lower, {"date", "datetype", "date32", "date64"});
    case arrow::Type::DECIMAL128:
    case arrow::Type::DECIMAL256:
      return lower.rfind("decimal", 0) == 0;
    case arrow::Type::DICTIONARY:
      return lower == "category" || lower == "categoricaldtype";
    default:
      return lower == Lower(type.ToString());
  }
}

}  // namespace medallion::quality
