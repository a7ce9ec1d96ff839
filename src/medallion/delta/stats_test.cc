#include "medallion/delta/stats.h"

#include <arrow/api.h>
#include <arrow/io/memory.h>
#include <gtest/gtest.h>
#include <parquet/arrow/writer.h>
#include <parquet/metadata.h>
#include <parquet/properties.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

namespace medallion::delta {
namespace {

using nlohmann::json;

// Writes `rows` as Parquet the way data_writer.cc does and returns the footer.
std::shared_ptr<parquet::FileMetaData> WriteFooter(const arrow::Table& rows, int64_t row_group_rows) {
  auto sink = arrow::io::BufferOutputStream::Create().ValueOrDie();
  auto props = parquet::WriterProperties::Builder().max_row_group_length(row_group_rows)->build();
  auto arrow_props = parquet::ArrowWriterProperties::Builder().coerce_timestamps(arrow::TimeUnit::MICRO)->build();
  auto writer =
      parquet::arrow::FileWriter::Open(*rows.schema(), arrow::default_memory_pool(), sink, props, arrow_props)
          .ValueOrDie();
  EXPECT_TRUE(writer->WriteTable(rows, row_group_rows).ok());
  EXPECT_TRUE(writer->Close().ok());
  return writer->metadata();
}

template <typename Builder, typename T>
std::shared_ptr<arrow::Array> Build(const std::vector<std::optional<T>>& values, Builder builder = Builder()) {
  for (const auto& v : values) EXPECT_TRUE((v ? builder.Append(*v) : builder.AppendNull()).ok());
  return builder.Finish().ValueOrDie();
}

// Every type the footer path reads, with nulls, NaN, zeros of both signs,
// long and multi-byte strings and an all-null column, across row groups.
std::shared_ptr<arrow::Table> MixedRows() {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  auto ts_ms = arrow::timestamp(arrow::TimeUnit::MILLI, "UTC");
  const std::string long_a = std::string(40, 'a') + "\xC3\xA9";
  const std::string long_z = "z" + std::string(30, 'y') + "\xC3\xA9\xC3\xA9tail";
  arrow::StructBuilder point(arrow::struct_({arrow::field("x", arrow::int32())}), arrow::default_memory_pool(),
                             {std::make_shared<arrow::Int32Builder>()});
  for (int i = 0; i < 6; ++i) {
    EXPECT_TRUE(point.Append().ok());
    EXPECT_TRUE(static_cast<arrow::Int32Builder*>(point.field_builder(0))->Append(10 - i).ok());
  }
  auto decimals = Build<arrow::Decimal128Builder, arrow::Decimal128>(
      {arrow::Decimal128(1234), std::nullopt, arrow::Decimal128(-5), arrow::Decimal128(99999), std::nullopt,
       arrow::Decimal128(7)},
      arrow::Decimal128Builder(arrow::decimal128(10, 2)));
  auto schema = arrow::schema({
      arrow::field("i8", arrow::int8()), arrow::field("i16", arrow::int16()), arrow::field("i32", arrow::int32()),
      arrow::field("i64", arrow::int64()), arrow::field("f32", arrow::float32()),
      arrow::field("f64", arrow::float64()), arrow::field("zero", arrow::float64()),
      arrow::field("with_nan", arrow::float64()), arrow::field("day", arrow::date32()),
      arrow::field("ts", ts_ms), arrow::field("s", arrow::utf8()), arrow::field("ls", arrow::large_utf8()),
      arrow::field("none", arrow::utf8()), arrow::field("point", point.type()),
      arrow::field("amount", arrow::decimal128(10, 2)), arrow::field("flag", arrow::boolean())});
  return arrow::Table::Make(
      schema,
      {Build<arrow::Int8Builder, int8_t>({-3, 7, std::nullopt, 0, 5, -128}),
       Build<arrow::Int16Builder, int16_t>({300, -2, 4, std::nullopt, 9, 1}),
       Build<arrow::Int32Builder, int32_t>({std::nullopt, 1, 2, 3, -70000, 6}),
       Build<arrow::Int64Builder, int64_t>({1ll << 40, -1, 2, 3, 4, std::nullopt}),
       Build<arrow::FloatBuilder, float>({1.5f, -2.25f, std::nullopt, 3.0f, 0.5f, 8.0f}),
       Build<arrow::DoubleBuilder, double>({std::nullopt, 2.5, -1e300, 4.0, 1e-9, 6.0}),
       Build<arrow::DoubleBuilder, double>({0.0, -0.0, 0.0, std::nullopt, 0.0, -0.0}),
       Build<arrow::DoubleBuilder, double>({1.0, nan, 3.0, 4.0, std::nullopt, 2.0}),
       Build<arrow::Date32Builder, int32_t>({19000, 19001, std::nullopt, 18000, 20000, 19500}),
       Build<arrow::TimestampBuilder, int64_t>({1700000000123, std::nullopt, 1600000000999, 1800000000001,
                                                1700000000000, 1650000000500},
                                               arrow::TimestampBuilder(ts_ms, arrow::default_memory_pool())),
       Build<arrow::StringBuilder, std::string>({"m", long_a, std::nullopt, long_z, "b", ""}),
       Build<arrow::LargeStringBuilder, std::string>({"q", "r", "\xF0\x9F\x98\x80", std::nullopt, "a", "p"}),
       Build<arrow::StringBuilder, std::string>({std::nullopt, std::nullopt, std::nullopt, std::nullopt,
                                                     std::nullopt, std::nullopt}),
       point.Finish().ValueOrDie(), decimals,
       Build<arrow::BooleanBuilder, bool>({true, false, std::nullopt, true, true, false})});
}

TEST(StatsFromFooter, SameJsonAsTheDataPassForEveryColumnType) {
  auto rows = MixedRows();
  for (int64_t row_group_rows : {int64_t{2}, int64_t{1000}}) {
    auto footer = WriteFooter(*rows, row_group_rows);
    auto from_data = ComputeStatsJson(*rows);
    auto from_footer = StatsJsonFromParquetFooter(*rows, *footer);
    ASSERT_TRUE(from_data.ok()) << from_data.status();
    ASSERT_TRUE(from_footer.ok()) << from_footer.status();
    // Compared as JSON values: the data pass may report a zero bound as -0.0,
    // the footer path always as 0.0 (equal numbers, same skipping).
    EXPECT_EQ(json::parse(*from_footer), json::parse(*from_data)) << "row groups of " << row_group_rows;
    EXPECT_NE(from_data->find("\"zero\":-0.0"), std::string::npos);
  }
}

TEST(StatsFromFooter, SparkCompatibleBounds) {
  auto rows = MixedRows();
  auto stats = json::parse(*StatsJsonFromParquetFooter(*rows, *WriteFooter(*rows, 2)));
  EXPECT_EQ(stats["numRecords"], 6);
  EXPECT_EQ(stats["minValues"]["i8"], -128);
  EXPECT_EQ(stats["maxValues"]["i64"], 1ll << 40);
  EXPECT_EQ(stats["minValues"]["f64"], -1e300);
  EXPECT_EQ(stats["minValues"]["zero"], 0.0);
  EXPECT_FALSE(std::signbit(stats["minValues"]["zero"].get<double>()));
  EXPECT_FALSE(stats["minValues"].contains("with_nan"));  // NaN: no usable bounds
  EXPECT_EQ(stats["nullCount"]["with_nan"], 1);
  EXPECT_EQ(stats["minValues"]["day"], "2019-04-14");
  // Timestamps truncated to milliseconds, the way Spark writes them.
  EXPECT_EQ(stats["minValues"]["ts"], "2020-09-13T12:26:40.999Z");
  EXPECT_EQ(stats["maxValues"]["ts"], "2027-01-15T08:00:00.001Z");
  // Strings cut to 32 characters (not bytes); a cut max stays an upper bound.
  EXPECT_EQ(stats["minValues"]["s"], "");
  EXPECT_EQ(stats["maxValues"]["s"], "z" + std::string(30, 'y') + "\xC3\xA9" + "\xF4\x8F\xBF\xBF");
  EXPECT_EQ(stats["maxValues"]["ls"], "\xF0\x9F\x98\x80");
  EXPECT_FALSE(stats["minValues"].contains("none"));
  EXPECT_EQ(stats["nullCount"]["none"], 6);
  EXPECT_EQ(stats["minValues"]["point"]["x"], 5);
  EXPECT_EQ(stats["nullCount"]["point"]["x"], 0);
  EXPECT_EQ(stats["maxValues"]["amount"], 999.99);
  EXPECT_EQ(stats["nullCount"]["flag"], 1);
  EXPECT_FALSE(stats["minValues"].contains("flag"));
}

TEST(StatsFromFooter, ValuesTooLongForParquetStatisticsAreStillBounded) {
  // Arrow's writer drops bounds over 4 KiB; the data pass fills them in.
  auto values = Build<arrow::StringBuilder, std::string>({std::string(5000, 'k'), "c", std::nullopt});
  auto rows = arrow::Table::Make(arrow::schema({arrow::field("s", arrow::utf8())}), {values});
  auto stats = json::parse(*StatsJsonFromParquetFooter(*rows, *WriteFooter(*rows, 1000)));
  EXPECT_EQ(stats["minValues"]["s"], "c");
  EXPECT_EQ(stats["maxValues"]["s"], std::string(32, 'k') + "\xF4\x8F\xBF\xBF");
  EXPECT_EQ(stats["nullCount"]["s"], 1);
}

TEST(StatsFromFooter, IndexedColumnBudgetCountsLeaves) {
  auto rows = MixedRows();
  auto stats = json::parse(*StatsJsonFromParquetFooter(*rows, *WriteFooter(*rows, 1000), /*max_indexed_columns=*/3));
  EXPECT_EQ(stats["minValues"].size(), 3u);  // i8, i16, i32
  EXPECT_TRUE(stats["minValues"].contains("i32"));
  EXPECT_EQ(stats["nullCount"].size(), static_cast<size_t>(rows->num_columns()));
}

TEST(StatsFromFooter, FooterOfAnotherTableFallsBackToTheData) {
  auto rows = MixedRows();
  auto other = arrow::Table::Make(arrow::schema({arrow::field("s", arrow::utf8())}),
                                  {Build<arrow::StringBuilder, std::string>({"x"})});
  EXPECT_EQ(*StatsJsonFromParquetFooter(*rows, *WriteFooter(*other, 10)), *ComputeStatsJson(*rows));
}

}  // namespace
}  // namespace medallion::delta
