#include "medallion/serve/arrow_rows.h"

#include <arrow/api.h>

#include <chrono>
#include <cmath>

#include <fmt/format.h>

namespace medallion::serve {

namespace {

using Json = nlohmann::json;

int64_t ToMicros(int64_t value, arrow::TimeUnit::type unit) {
  switch (unit) {
    case arrow::TimeUnit::SECOND: return value * 1'000'000;
    case arrow::TimeUnit::MILLI: return value * 1'000;
    case arrow::TimeUnit::MICRO: return value;
    case arrow::TimeUnit::NANO: return value / 1'000;
  }
  return value;
}

Json Number(double v) { return std::isfinite(v) ? Json(v) : Json(); }

// The value at `i` of a non-null slot.
Result<Json> Value(const arrow::Array& array, int64_t i, const std::string& column) {
  switch (array.type_id()) {
    case arrow::Type::BOOL: return Json(static_cast<const arrow::BooleanArray&>(array).Value(i));
    case arrow::Type::INT8: return Json(static_cast<const arrow::Int8Array&>(array).Value(i));
    case arrow::Type::INT16: return Json(static_cast<const arrow::Int16Array&>(array).Value(i));
    case arrow::Type::INT32: return Json(static_cast<const arrow::Int32Array&>(array).Value(i));
    case arrow::Type::INT64: return Json(static_cast<const arrow::Int64Array&>(array).Value(i));
    case arrow::Type::UINT8: return Json(static_cast<const arrow::UInt8Array&>(array).Value(i));
    case arrow::Type::UINT16: return Json(static_cast<const arrow::UInt16Array&>(array).Value(i));
    case arrow::Type::UINT32: return Json(static_cast<const arrow::UInt32Array&>(array).Value(i));
    case arrow::Type::UINT64: return Json(static_cast<const arrow::UInt64Array&>(array).Value(i));
    case arrow::Type::FLOAT: return Number(static_cast<const arrow::FloatArray&>(array).Value(i));
    case arrow::Type::DOUBLE: return Number(static_cast<const arrow::DoubleArray&>(array).Value(i));
    case arrow::Type::STRING: return Json(static_cast<const arrow::StringArray&>(array).GetString(i));
    case arrow::Type::LARGE_STRING: return Json(static_cast<const arrow::LargeStringArray&>(array).GetString(i));
    // Kafka payloads: text in practice; invalid UTF-8 is replaced when dumped.
    case arrow::Type::BINARY: return Json(static_cast<const arrow::BinaryArray&>(array).GetString(i));
    case arrow::Type::LARGE_BINARY: return Json(static_cast<const arrow::LargeBinaryArray&>(array).GetString(i));
    case arrow::Type::DATE32: return Json(FormatDate(static_cast<const arrow::Date32Array&>(array).Value(i)));
    case arrow::Type::DATE64:
      return Json(FormatDate(static_cast<int32_t>(static_cast<const arrow::Date64Array&>(array).Value(i) / 86'400'000)));
    case arrow::Type::TIMESTAMP: {
      const auto& ts = static_cast<const arrow::TimestampArray&>(array);
      const auto& type = static_cast<const arrow::TimestampType&>(*ts.type());
      return Json(FormatTimestampMicros(ToMicros(ts.Value(i), type.unit())));
    }
    case arrow::Type::DECIMAL128: {
      const auto& dec = static_cast<const arrow::Decimal128Array&>(array);
      const auto& type = static_cast<const arrow::Decimal128Type&>(*dec.type());
      return Number(arrow::Decimal128(dec.GetValue(i)).ToDouble(type.scale()));
    }
    case arrow::Type::LIST:
    case arrow::Type::LARGE_LIST: {
      std::shared_ptr<arrow::Array> values;
      if (array.type_id() == arrow::Type::LIST) {
        values = static_cast<const arrow::ListArray&>(array).value_slice(i);
      } else {
        values = static_cast<const arrow::LargeListArray&>(array).value_slice(i);
      }
      Json out = Json::array();
      for (int64_t j = 0; j < values->length(); ++j) {
        if (values->IsNull(j)) {
          out.push_back(nullptr);
          continue;
        }
        MEDALLION_ASSIGN_OR_RETURN(Json v, Value(*values, j, column));
        out.push_back(std::move(v));
      }
      return out;
    }
    default: {
      // Maps, structs...: Arrow's own text form, so a new column type never
      // breaks a route.
      auto scalar = array.GetScalar(i);
      if (!scalar.ok()) return Status::InvalidArgument("column " + column + ": " + scalar.status().ToString());
      return Json((*scalar)->ToString());
    }
  }
}

}  // namespace

std::string FormatDate(int32_t days) {
  const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{days}}};
  return fmt::format("{:04d}-{:02d}-{:02d}", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                     static_cast<unsigned>(ymd.day()));
}

std::string FormatTimestampMicros(int64_t micros) {
  const auto tp = std::chrono::sys_time<std::chrono::microseconds>{std::chrono::microseconds{micros}};
  const auto day = std::chrono::floor<std::chrono::days>(tp);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss<std::chrono::microseconds> tod{tp - day};
  return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}.{:03d}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), tod.hours().count(),
                     tod.minutes().count(), tod.seconds().count(), tod.subseconds().count() / 1000);
}

Result<JsonRows> TableToJsonRows(const arrow::Table& table) {
  JsonRows rows(static_cast<size_t>(table.num_rows()), Json::object());
  for (int c = 0; c < table.num_columns(); ++c) {
    const std::string& name = table.schema()->field(c)->name();
    size_t row = 0;
    for (const auto& chunk : table.column(c)->chunks()) {
      for (int64_t i = 0; i < chunk->length(); ++i, ++row) {
        if (chunk->IsNull(i)) {
          rows[row][name] = nullptr;
          continue;
        }
        MEDALLION_ASSIGN_OR_RETURN(rows[row][name], Value(*chunk, i, name));
      }
    }
  }
  return rows;
}

}  // namespace medallion::serve
