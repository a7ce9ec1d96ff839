#include "medallion/ingest/pg_types.h"

#include <arrow/api.h>
#include <arrow/util/decimal.h>
#include <fmt/format.h>

#include <cmath>
#include <cstring>
#include <ctime>

#include "medallion/common/arrow_status.h"

namespace medallion::ingest {

namespace {

// pg_type OIDs (src/include/catalog/pg_type.dat); stable across releases.
enum : uint32_t {
  kBool = 16,
  kBytea = 17,
  kName = 19,
  kInt8 = 20,
  kInt2 = 21,
  kInt4 = 23,
  kText = 25,
  kFloat4 = 700,
  kFloat8 = 701,
  kBpchar = 1042,
  kVarchar = 1043,
  kDate = 1082,
  kTimestamp = 1114,
  kTimestampTz = 1184,
  kNumeric = 1700,
};

// PostgreSQL counts days and microseconds from 2000-01-01.
constexpr int32_t kPgEpochDays = 10957;
constexpr int64_t kPgEpochMicros = int64_t{kPgEpochDays} * 86400 * 1000000;

// An unconstrained numeric in decimal mode: 28 integer and 10 fraction digits.
constexpr int32_t kFreeNumericPrecision = 38;
constexpr int32_t kFreeNumericScale = 10;

uint16_t ReadU16(const char* p) {
  return static_cast<uint16_t>((static_cast<uint8_t>(p[0]) << 8) | static_cast<uint8_t>(p[1]));
}
uint32_t ReadU32(const char* p) {
  return (uint32_t{static_cast<uint8_t>(p[0])} << 24) | (uint32_t{static_cast<uint8_t>(p[1])} << 16) |
         (uint32_t{static_cast<uint8_t>(p[2])} << 8) | uint32_t{static_cast<uint8_t>(p[3])};
}
uint64_t ReadU64(const char* p) { return (uint64_t{ReadU32(p)} << 32) | ReadU32(p + 4); }

// numeric typmod = ((precision << 16) | scale) + VARHDRSZ; -1 when unconstrained.
std::optional<std::pair<int32_t, int32_t>> NumericPrecisionScale(int32_t typmod) {
  if (typmod < 4) return std::nullopt;
  int32_t t = typmod - 4;
  return std::make_pair((t >> 16) & 0xffff, t & 0xffff);
}

enum class Kind { kBool, kInt16, kInt32, kInt64, kFloat, kDouble, kNumericDouble, kDecimal, kString, kBinary,
                  kDate, kTimestamp };

Result<Kind> KindFor(const std::string& table, const PgColumn& c, const PgTypeOptions& options) {
  switch (c.type_oid) {
    case kBool: return Kind::kBool;
    case kInt2: return Kind::kInt16;
    case kInt4: return Kind::kInt32;
    case kInt8: return Kind::kInt64;
    case kFloat4: return Kind::kFloat;
    case kFloat8: return Kind::kDouble;
    case kNumeric: return options.numeric == NumericMode::kDecimal ? Kind::kDecimal : Kind::kNumericDouble;
    case kText:
    case kVarchar:
    case kBpchar:
    case kName: return Kind::kString;
    case kBytea: return Kind::kBinary;
    case kDate: return Kind::kDate;
    case kTimestamp:
    case kTimestampTz: return Kind::kTimestamp;
    default:
      return Status::NotImplemented(fmt::format("column {}.{} has type {}, which ingest-pg does not support "
                                                "(cast it in a view, or leave the table out)",
                                                table, c.name, c.type_name));
  }
}

std::string FieldError(const std::string& table, const PgColumn& c, const std::string& what) {
  return fmt::format("{}.{} ({}): {}", table, c.name, c.type_name, what);
}

}  // namespace

Result<std::shared_ptr<arrow::DataType>> ArrowTypeFor(const std::string& table, const PgColumn& column,
                                                      const PgTypeOptions& options) {
  MEDALLION_ASSIGN_OR_RETURN(Kind kind, KindFor(table, column, options));
  switch (kind) {
    case Kind::kBool: return arrow::boolean();
    case Kind::kInt16: return arrow::int16();
    case Kind::kInt32: return arrow::int32();
    case Kind::kInt64: return arrow::int64();
    case Kind::kFloat: return arrow::float32();
    case Kind::kDouble:
    case Kind::kNumericDouble: return arrow::float64();
    case Kind::kDecimal: {
      auto ps = NumericPrecisionScale(column.typmod);
      if (!ps) return arrow::decimal128(kFreeNumericPrecision, kFreeNumericScale);
      if (ps->first > 38) {
        return Status::NotImplemented(FieldError(table, column, "precision above 38 does not fit decimal128"));
      }
      return arrow::decimal128(ps->first, ps->second);
    }
    case Kind::kString: return arrow::utf8();
    case Kind::kBinary: return arrow::binary();
    case Kind::kDate: return arrow::date32();
    case Kind::kTimestamp: return arrow::timestamp(arrow::TimeUnit::MICRO, "UTC");
  }
  return Status::Internal("unhandled column kind");
}

bool IsWatermarkType(uint32_t oid) {
  return oid == kInt2 || oid == kInt4 || oid == kInt8 || oid == kDate || oid == kTimestamp || oid == kTimestampTz;
}

Result<bool> PgCopyRowParser::Parse(const char* data, int size, std::vector<PgField>* fields) {
  const char* p = data;
  const char* end = data + size;
  if (!header_seen_) {
    static const char kSignature[] = "PGCOPY\n\377\r\n";
    if (size < 19 || std::memcmp(p, kSignature, 11) != 0) return Status::Corruption("binary COPY: bad header");
    uint32_t extension = ReadU32(p + 15);
    p += 19 + extension;
    header_seen_ = true;
  }
  if (end - p < 2) return Status::Corruption("binary COPY: truncated row");
  int16_t count = static_cast<int16_t>(ReadU16(p));
  p += 2;
  if (count == -1) return false;
  fields->resize(count);
  for (int i = 0; i < count; ++i) {
    if (end - p < 4) return Status::Corruption("binary COPY: truncated field length");
    int32_t length = static_cast<int32_t>(ReadU32(p));
    p += 4;
    if (length < 0) {
      (*fields)[i] = PgField{};
      continue;
    }
    if (end - p < length) return Status::Corruption("binary COPY: truncated field");
    (*fields)[i] = PgField{p, length};
    p += length;
  }
  return true;
}

Result<int64_t> WatermarkValue(uint32_t oid, const PgField& f) {
  if (!f.data) return Status::InvalidArgument("NULL watermark");
  switch (oid) {
    case kInt2: return static_cast<int64_t>(static_cast<int16_t>(ReadU16(f.data)));
    case kInt4: return static_cast<int64_t>(static_cast<int32_t>(ReadU32(f.data)));
    case kInt8: return static_cast<int64_t>(ReadU64(f.data));
    case kDate: return (int64_t{static_cast<int32_t>(ReadU32(f.data))} + kPgEpochDays) * 86400 * 1000000;
    case kTimestamp:
    case kTimestampTz: return static_cast<int64_t>(ReadU64(f.data)) + kPgEpochMicros;
    default: return Status::InvalidArgument(fmt::format("type oid {} is not a watermark type", oid));
  }
}

std::string WatermarkLiteral(uint32_t oid, int64_t value) {
  if (oid != kDate && oid != kTimestamp && oid != kTimestampTz) return std::to_string(value);
  int64_t seconds = value >= 0 ? value / 1000000 : -((-value + 999999) / 1000000);
  int64_t micros = value - seconds * 1000000;
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  if (oid == kDate) return fmt::format("'{:04}-{:02}-{:02}'::date", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  return fmt::format("'{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:06}+00'::{}", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, micros,
                     oid == kTimestampTz ? "timestamptz" : "timestamp");
}

struct PgBatchDecoder::Column {
  PgColumn pg;
  Kind kind;
  std::shared_ptr<arrow::DataType> type;
  std::unique_ptr<arrow::ArrayBuilder> builder;
  int32_t scale = 0;  // decimal
};

PgBatchDecoder::~PgBatchDecoder() = default;

Result<std::unique_ptr<PgBatchDecoder>> PgBatchDecoder::Make(std::string table, std::vector<PgColumn> columns,
                                                             const PgTypeOptions& options) {
  std::unique_ptr<PgBatchDecoder> d(new PgBatchDecoder());
  d->table_ = std::move(table);
  arrow::FieldVector fields;
  for (auto& pg : columns) {
    Column c;
    MEDALLION_ASSIGN_OR_RETURN(c.kind, KindFor(d->table_, pg, options));
    MEDALLION_ASSIGN_OR_RETURN(c.type, ArrowTypeFor(d->table_, pg, options));
    MEDALLION_ASSIGN_OR_RETURN_ARROW(c.builder, arrow::MakeBuilder(c.type));
    if (c.kind == Kind::kDecimal) c.scale = static_cast<const arrow::Decimal128Type&>(*c.type).scale();
    fields.push_back(arrow::field(pg.name, c.type, !pg.not_null));
    c.pg = std::move(pg);
    d->columns_.push_back(std::move(c));
  }
  d->schema_ = arrow::schema(std::move(fields));
  return d;
}

namespace {

// numeric on the wire: ndigits, weight, sign, dscale (int16 each), then
// ndigits base-10000 digits; value = sum(digit[i] * 10000^(weight - i)).
struct NumericWire {
  int16_t ndigits, weight;
  uint16_t sign;
  const char* digits;
};

constexpr uint16_t kNumericNeg = 0x4000;
constexpr uint16_t kNumericNaN = 0xC000;

Result<NumericWire> ReadNumeric(const PgField& f) {
  if (f.size < 8) return Status::Corruption("short numeric");
  NumericWire n{static_cast<int16_t>(ReadU16(f.data)), static_cast<int16_t>(ReadU16(f.data + 2)),
                ReadU16(f.data + 4), f.data + 8};
  if (n.ndigits < 0 || f.size < 8 + 2 * n.ndigits) return Status::Corruption("short numeric");
  return n;
}

double NumericToDouble(const NumericWire& n) {
  if (n.sign == kNumericNaN) return std::nan("");
  if (n.sign == 0xD000) return HUGE_VAL;
  if (n.sign == 0xF000) return -HUGE_VAL;
  // Exact integer mantissa, then one division or multiplication by an exact
  // power of ten: correctly rounded, like PostgreSQL's own numeric::float8,
  // for every value with up to 15 significant digits.
  double mantissa = 0;
  for (int i = 0; i < n.ndigits; ++i) mantissa = mantissa * 10000 + ReadU16(n.digits + 2 * i);
  int exponent = 4 * (n.weight - n.ndigits + 1);
  double v = exponent >= 0 ? mantissa * std::pow(10.0, exponent) : mantissa / std::pow(10.0, -exponent);
  return n.sign == kNumericNeg ? -v : v;
}

}  // namespace

Status PgBatchDecoder::AppendField(Column& c, const PgField& f) {
  auto expect = [&](int32_t size) -> Status {
    if (f.size != size) {
      return Status::Corruption(FieldError(table_, c.pg, fmt::format("{} bytes where {} were expected", f.size, size)));
    }
    return Status::OK();
  };
  if (!f.data) return FromArrow(c.builder->AppendNull());
  switch (c.kind) {
    case Kind::kBool:
      MEDALLION_RETURN_IF_ERROR(expect(1));
      return FromArrow(static_cast<arrow::BooleanBuilder&>(*c.builder).Append(f.data[0] != 0));
    case Kind::kInt16:
      MEDALLION_RETURN_IF_ERROR(expect(2));
      return FromArrow(static_cast<arrow::Int16Builder&>(*c.builder).Append(static_cast<int16_t>(ReadU16(f.data))));
    case Kind::kInt32:
      MEDALLION_RETURN_IF_ERROR(expect(4));
      return FromArrow(static_cast<arrow::Int32Builder&>(*c.builder).Append(static_cast<int32_t>(ReadU32(f.data))));
    case Kind::kInt64:
      MEDALLION_RETURN_IF_ERROR(expect(8));
      return FromArrow(static_cast<arrow::Int64Builder&>(*c.builder).Append(static_cast<int64_t>(ReadU64(f.data))));
    case Kind::kFloat: {
      MEDALLION_RETURN_IF_ERROR(expect(4));
      uint32_t bits = ReadU32(f.data);
      float v;
      std::memcpy(&v, &bits, 4);
      return FromArrow(static_cast<arrow::FloatBuilder&>(*c.builder).Append(v));
    }
    case Kind::kDouble: {
      MEDALLION_RETURN_IF_ERROR(expect(8));
      uint64_t bits = ReadU64(f.data);
      double v;
      std::memcpy(&v, &bits, 8);
      return FromArrow(static_cast<arrow::DoubleBuilder&>(*c.builder).Append(v));
    }
    case Kind::kNumericDouble: {
      auto n = ReadNumeric(f);
      if (!n.ok()) return Status::Corruption(FieldError(table_, c.pg, n.status().message()));
      return FromArrow(static_cast<arrow::DoubleBuilder&>(*c.builder).Append(NumericToDouble(*n)));
    }
    case Kind::kDecimal: {
      auto n = ReadNumeric(f);
      if (!n.ok()) return Status::Corruption(FieldError(table_, c.pg, n.status().message()));
      if (n->sign != 0 && n->sign != kNumericNeg) {
        return Status::InvalidArgument(FieldError(table_, c.pg, "NaN or infinity does not fit a decimal"));
      }
      // Unscaled value = sum(digit * 10^(4 * (weight - i) + scale)).
      arrow::Decimal128 unscaled(0);
      for (int i = 0; i < n->ndigits; ++i) {
        int64_t digit = ReadU16(n->digits + 2 * i);
        int power = 4 * (n->weight - i) + c.scale;
        if (power >= 0) {
          if (power > 38) return Status::InvalidArgument(FieldError(table_, c.pg, "value overflows decimal128"));
          unscaled += arrow::Decimal128(digit) * arrow::Decimal128::GetScaleMultiplier(power);
        } else if (power > -4) {
          int64_t div = 1;
          for (int k = 0; k < -power; ++k) div *= 10;
          if (digit % div != 0) {
            return Status::InvalidArgument(
                FieldError(table_, c.pg, fmt::format("value has more than {} fraction digits", c.scale)));
          }
          unscaled += arrow::Decimal128(digit / div);
        } else if (digit != 0) {
          return Status::InvalidArgument(
              FieldError(table_, c.pg, fmt::format("value has more than {} fraction digits", c.scale)));
        }
      }
      if (n->sign == kNumericNeg) unscaled.Negate();
      return FromArrow(static_cast<arrow::Decimal128Builder&>(*c.builder).Append(unscaled));
    }
    case Kind::kString:
      return FromArrow(static_cast<arrow::StringBuilder&>(*c.builder).Append(f.data, f.size));
    case Kind::kBinary:
      return FromArrow(static_cast<arrow::BinaryBuilder&>(*c.builder).Append(f.data, f.size));
    case Kind::kDate: {
      MEDALLION_RETURN_IF_ERROR(expect(4));
      int32_t days = static_cast<int32_t>(ReadU32(f.data));
      if (days == INT32_MAX || days == INT32_MIN) {
        return Status::InvalidArgument(FieldError(table_, c.pg, "infinite date has no Arrow value"));
      }
      return FromArrow(static_cast<arrow::Date32Builder&>(*c.builder).Append(days + kPgEpochDays));
    }
    case Kind::kTimestamp: {
      MEDALLION_RETURN_IF_ERROR(expect(8));
      int64_t micros = static_cast<int64_t>(ReadU64(f.data));
      if (micros == INT64_MAX || micros == INT64_MIN) {
        return Status::InvalidArgument(FieldError(table_, c.pg, "infinite timestamp has no Arrow value"));
      }
      return FromArrow(static_cast<arrow::TimestampBuilder&>(*c.builder).Append(micros + kPgEpochMicros));
    }
  }
  return Status::Internal("unhandled column kind");
}

Status PgBatchDecoder::AppendRow(const std::vector<PgField>& fields) {
  if (fields.size() != columns_.size()) {
    return Status::Corruption(
        fmt::format("{}: COPY row has {} fields, table has {} columns", table_, fields.size(), columns_.size()));
  }
  for (size_t i = 0; i < fields.size(); ++i) MEDALLION_RETURN_IF_ERROR(AppendField(columns_[i], fields[i]));
  ++num_rows_;
  return Status::OK();
}

Result<std::shared_ptr<arrow::RecordBatch>> PgBatchDecoder::Flush() {
  arrow::ArrayVector arrays;
  for (auto& c : columns_) {
    std::shared_ptr<arrow::Array> array;
    MEDALLION_RETURN_IF_ARROW_ERROR(c.builder->Finish(&array));
    arrays.push_back(std::move(array));
  }
  auto batch = arrow::RecordBatch::Make(schema_, num_rows_, std::move(arrays));
  num_rows_ = 0;
  return batch;
}

}  // namespace medallion::ingest
