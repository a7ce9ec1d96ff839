#include "medallion/ingest/pg_types.h"

#include <arrow/api.h>
#include <gtest/gtest.h>

#include <cstring>

namespace medallion::ingest {
namespace {

// Builders for binary COPY bytes (big-endian), as the server sends them.
void PutU16(std::string& out, uint16_t v) {
  out += static_cast<char>(v >> 8);
  out += static_cast<char>(v & 0xff);
}
void PutU32(std::string& out, uint32_t v) {
  PutU16(out, static_cast<uint16_t>(v >> 16));
  PutU16(out, static_cast<uint16_t>(v & 0xffff));
}
void PutU64(std::string& out, uint64_t v) {
  PutU32(out, static_cast<uint32_t>(v >> 32));
  PutU32(out, static_cast<uint32_t>(v & 0xffffffff));
}
std::string Be32(uint32_t v) { std::string s; PutU32(s, v); return s; }
std::string Be64(uint64_t v) { std::string s; PutU64(s, v); return s; }
// numeric: ndigits, weight, sign, dscale, base-10000 digits.
std::string Numeric(int16_t weight, uint16_t sign, int16_t dscale, std::vector<uint16_t> digits) {
  std::string s;
  PutU16(s, static_cast<uint16_t>(digits.size()));
  PutU16(s, static_cast<uint16_t>(weight));
  PutU16(s, sign);
  PutU16(s, static_cast<uint16_t>(dscale));
  for (auto d : digits) PutU16(s, d);
  return s;
}
PgField Field(const std::string& bytes) { return PgField{bytes.data(), static_cast<int32_t>(bytes.size())}; }

PgColumn Col(std::string name, uint32_t oid, std::string type, int32_t typmod = -1) {
  return PgColumn{std::move(name), oid, std::move(type), typmod, false};
}

// 2000-01-01 in days and micros since the Unix epoch.
constexpr int32_t kY2kDays = 10957;
constexpr int64_t kY2kMicros = int64_t{kY2kDays} * 86400000000;

TEST(PgTypes, MapsEachSupportedType) {
  PgTypeOptions opts;
  auto type = [&](uint32_t oid, int32_t typmod = -1) {
    return ArrowTypeFor("t", Col("c", oid, "x", typmod), opts).ValueOr(nullptr);
  };
  EXPECT_TRUE(type(16)->Equals(arrow::boolean()));
  EXPECT_TRUE(type(21)->Equals(arrow::int16()));
  EXPECT_TRUE(type(23)->Equals(arrow::int32()));
  EXPECT_TRUE(type(20)->Equals(arrow::int64()));
  EXPECT_TRUE(type(700)->Equals(arrow::float32()));
  EXPECT_TRUE(type(701)->Equals(arrow::float64()));
  EXPECT_TRUE(type(25)->Equals(arrow::utf8()));
  EXPECT_TRUE(type(1043)->Equals(arrow::utf8()));
  EXPECT_TRUE(type(1042)->Equals(arrow::utf8()));
  EXPECT_TRUE(type(17)->Equals(arrow::binary()));
  EXPECT_TRUE(type(1082)->Equals(arrow::date32()));
  EXPECT_TRUE(type(1184)->Equals(arrow::timestamp(arrow::TimeUnit::MICRO, "UTC")));
  EXPECT_TRUE(type(1700)->Equals(arrow::float64()));
  opts.numeric = NumericMode::kDecimal;
  // numeric(10,2): typmod = (10 << 16 | 2) + 4
  EXPECT_TRUE(type(1700, (10 << 16 | 2) + 4)->Equals(arrow::decimal128(10, 2)));
  EXPECT_TRUE(type(1700)->Equals(arrow::decimal128(38, 10)));
}

TEST(PgTypes, UnsupportedTypeNamesTableColumnAndType) {
  auto r = ArrowTypeFor("orders", Col("payload", 3802, "jsonb"), {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotImplemented);
  EXPECT_NE(r.status().message().find("orders.payload"), std::string::npos) << r.status();
  EXPECT_NE(r.status().message().find("jsonb"), std::string::npos) << r.status();
  EXPECT_FALSE(PgBatchDecoder::Make("orders", {Col("payload", 3802, "jsonb")}, {}).ok());
}

TEST(PgCopyRowParser, ReadsHeaderFieldsNullsAndTrailer) {
  std::string first("PGCOPY\n\377\r\n\0", 11);
  PutU32(first, 0);  // flags
  PutU32(first, 0);  // header extension length
  PutU16(first, 2);
  PutU32(first, 4);
  first += "abcd";
  PutU32(first, 0xffffffff);  // NULL
  PgCopyRowParser parser;
  std::vector<PgField> fields;
  auto row = parser.Parse(first.data(), static_cast<int>(first.size()), &fields);
  ASSERT_TRUE(row.ok()) << row.status();
  ASSERT_TRUE(*row);
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(std::string(fields[0].data, fields[0].size), "abcd");
  EXPECT_EQ(fields[1].data, nullptr);

  std::string trailer;
  PutU16(trailer, 0xffff);
  row = parser.Parse(trailer.data(), static_cast<int>(trailer.size()), &fields);
  ASSERT_TRUE(row.ok());
  EXPECT_FALSE(*row);

  std::string truncated;
  PutU16(truncated, 1);
  PutU32(truncated, 10);
  truncated += "abc";
  EXPECT_EQ(parser.Parse(truncated.data(), static_cast<int>(truncated.size()), &fields).status().code(),
            StatusCode::kCorruption);
}

TEST(PgBatchDecoder, DecodesBinaryValues) {
  std::vector<PgColumn> cols = {Col("id", 23, "integer"),       Col("name", 25, "text"),
                                Col("price", 1700, "numeric"),  Col("day", 1082, "date"),
                                Col("at", 1184, "timestamptz"), Col("ok", 16, "boolean"),
                                Col("ratio", 701, "double precision"), Col("blob", 17, "bytea"),
                                Col("small", 21, "smallint"),   Col("big", 20, "bigint")};
  auto decoder = PgBatchDecoder::Make("t", cols, {});
  ASSERT_TRUE(decoder.ok()) << decoder.status();
  double ratio = 0.25;
  uint64_t ratio_bits;
  std::memcpy(&ratio_bits, &ratio, 8);
  std::string small;
  PutU16(small, static_cast<uint16_t>(-7));
  std::vector<std::string> bytes = {Be32(42),
                                    "Ålesund",
                                    Numeric(0, 0x4000, 2, {1234, 5600}),  // -1234.56
                                    Be32(31),                             // 2000-02-01
                                    Be64(1500000),                        // 2000-01-01 00:00:01.5
                                    std::string("\1", 1),
                                    Be64(ratio_bits),
                                    std::string("\0\xff", 2),
                                    small,
                                    Be64(static_cast<uint64_t>(-5000000000LL))};
  std::vector<PgField> fields;
  for (const auto& b : bytes) fields.push_back(Field(b));
  ASSERT_TRUE((*decoder)->AppendRow(fields).ok());
  std::vector<PgField> nulls(cols.size());
  ASSERT_TRUE((*decoder)->AppendRow(nulls).ok());
  auto batch = (*decoder)->Flush();
  ASSERT_TRUE(batch.ok()) << batch.status();
  ASSERT_EQ((*batch)->num_rows(), 2);
  ASSERT_TRUE((*batch)->ValidateFull().ok());
  EXPECT_EQ(std::static_pointer_cast<arrow::Int32Array>((*batch)->column(0))->Value(0), 42);
  EXPECT_EQ(std::static_pointer_cast<arrow::StringArray>((*batch)->column(1))->GetString(0), "Ålesund");
  EXPECT_DOUBLE_EQ(std::static_pointer_cast<arrow::DoubleArray>((*batch)->column(2))->Value(0), -1234.56);
  EXPECT_EQ(std::static_pointer_cast<arrow::Date32Array>((*batch)->column(3))->Value(0), kY2kDays + 31);
  EXPECT_EQ(std::static_pointer_cast<arrow::TimestampArray>((*batch)->column(4))->Value(0), kY2kMicros + 1500000);
  EXPECT_TRUE(std::static_pointer_cast<arrow::BooleanArray>((*batch)->column(5))->Value(0));
  EXPECT_DOUBLE_EQ(std::static_pointer_cast<arrow::DoubleArray>((*batch)->column(6))->Value(0), 0.25);
  EXPECT_EQ(std::static_pointer_cast<arrow::BinaryArray>((*batch)->column(7))->GetString(0), std::string("\0\xff", 2));
  EXPECT_EQ(std::static_pointer_cast<arrow::Int16Array>((*batch)->column(8))->Value(0), -7);
  EXPECT_EQ(std::static_pointer_cast<arrow::Int64Array>((*batch)->column(9))->Value(0), -5000000000LL);
  for (int c = 0; c < (*batch)->num_columns(); ++c) EXPECT_TRUE((*batch)->column(c)->IsNull(1)) << c;
  // Builders start over after a flush.
  EXPECT_EQ((*decoder)->num_rows(), 0);
}

TEST(PgBatchDecoder, NumericAsDecimalKeepsExactDigits) {
  PgTypeOptions opts{NumericMode::kDecimal};
  auto decoder = PgBatchDecoder::Make("t", {Col("amount", 1700, "numeric(12,3)", (12 << 16 | 3) + 4)}, opts);
  ASSERT_TRUE(decoder.ok());
  // 98765432.1 = digits [9876, 5432, 1000] weight 1; 0.005 = [50] weight -1.
  std::string a = Numeric(1, 0, 1, {9876, 5432, 1000}), b = Numeric(-1, 0x4000, 3, {50});
  ASSERT_TRUE((*decoder)->AppendRow({Field(a)}).ok());
  ASSERT_TRUE((*decoder)->AppendRow({Field(b)}).ok());
  auto batch = *(*decoder)->Flush();
  auto values = std::static_pointer_cast<arrow::Decimal128Array>(batch->column(0));
  EXPECT_EQ(values->FormatValue(0), "98765432.100");
  EXPECT_EQ(values->FormatValue(1), "-0.005");

  // More fraction digits than the column's scale cannot be stored exactly.
  auto narrow = PgBatchDecoder::Make("t", {Col("amount", 1700, "numeric(5,1)", (5 << 16 | 1) + 4)}, opts);
  auto st = (*narrow)->AppendRow({Field(b)});
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("t.amount"), std::string::npos) << st;
}

TEST(PgWatermark, ValuesAndLiteralsRoundTrip) {
  std::string ts = Be64(86400000001);  // 2000-01-02 00:00:00.000001
  auto v = WatermarkValue(1184, Field(ts));
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, kY2kMicros + 86400000001);
  EXPECT_EQ(WatermarkLiteral(1184, *v), "'2000-01-02 00:00:00.000001+00'::timestamptz");
  std::string id = Be32(77);
  EXPECT_EQ(*WatermarkValue(23, Field(id)), 77);
  EXPECT_EQ(WatermarkLiteral(23, 77), "77");
  std::string day = Be32(1);
  EXPECT_EQ(WatermarkLiteral(1082, *WatermarkValue(1082, Field(day))), "'2000-01-02'::date");
  EXPECT_FALSE(WatermarkValue(1184, PgField{}).ok());
  EXPECT_TRUE(IsWatermarkType(1184));
  EXPECT_FALSE(IsWatermarkType(25));
}

}  // namespace
}  // namespace medallion::ingest
