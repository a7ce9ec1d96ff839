#include "medallion/serve/lake_reader.h"

#include <arrow/api.h>
#include <gtest/gtest.h>

#include "medallion/serve/test_lake.h"

namespace medallion::serve {
namespace {

std::shared_ptr<arrow::Schema> Schema() {
  return arrow::schema({arrow::field("day", arrow::date32()), arrow::field("at", arrow::timestamp(arrow::TimeUnit::MICRO, "UTC")),
                        arrow::field("x", arrow::float64()), arrow::field("tags", arrow::list(arrow::utf8()))});
}

TEST(ArrowRows, DatesTimestampsNanAndLists) {
  EXPECT_EQ(FormatDate(0), "1970-01-01");
  EXPECT_EQ(FormatDate(20458), "2026-01-05");
  EXPECT_EQ(FormatTimestampMicros(1'767'607'200'250'000), "2026-01-05T10:00:00.250Z");
  arrow::DoubleBuilder x;
  ASSERT_TRUE(x.AppendValues({1.5, std::nan(""), 2.0}).ok());
  ASSERT_TRUE(x.AppendNull().ok());
  auto table = arrow::Table::Make(arrow::schema({arrow::field("x", arrow::float64())}), {*x.Finish()});
  auto rows = TableToJsonRows(*table);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 4u);
  EXPECT_EQ((*rows)[0]["x"], 1.5);
  EXPECT_TRUE((*rows)[1]["x"].is_null());  // JSON has no NaN
  EXPECT_TRUE((*rows)[3]["x"].is_null());
}

TEST(LakeReader, MissingTablesAppearWhenCreatedAndRowsFollowVersions) {
  testing::TempLake lake;
  LakeReader::Options options;
  options.refresh_interval = std::chrono::milliseconds(0);
  auto reader = LakeReader::Open(lake.path(), options);
  ASSERT_TRUE(reader.ok()) << reader.status();
  auto missing = (*reader)->Rows("gold/t");
  ASSERT_TRUE(missing.ok()) << missing.status();
  EXPECT_TRUE(missing->missing());
  EXPECT_TRUE(missing->rows->empty());

  ASSERT_TRUE(testing::AppendJsonRows(lake.path(), "gold/t", Schema(),
                                      R"({"day":"2026-01-05","at":"2026-01-05T10:00:00Z","x":1,"tags":["a","b"]})")
                  .ok());
  auto first = (*reader)->Rows("gold/t");
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->rows->size(), 1u);
  EXPECT_EQ((*first->rows)[0]["day"], "2026-01-05");
  EXPECT_EQ((*first->rows)[0]["at"], "2026-01-05T10:00:00.000Z");
  EXPECT_EQ((*first->rows)[0]["tags"], nlohmann::json({"a", "b"}));
  auto again = (*reader)->Rows("gold/t");
  EXPECT_EQ(again->rows.get(), first->rows.get());  // same version: the cached rows, not a new scan

  auto projected = (*reader)->Rows("gold/t", {"x", "no_such_column"});
  ASSERT_TRUE(projected.ok());
  EXPECT_EQ((*projected->rows)[0], nlohmann::json({{"x", 1.0}}));

  ASSERT_TRUE(testing::AppendJsonRows(lake.path(), "gold/t", Schema(),
                                      R"({"day":"2026-01-06","at":"2026-01-06T10:00:00Z","x":2,"tags":[]})")
                  .ok());
  auto second = (*reader)->Rows("gold/t");
  EXPECT_EQ(second->version, first->version + 1);
  EXPECT_EQ(second->rows->size(), 2u);

  auto tables = (*reader)->ListTables();
  ASSERT_TRUE(tables.ok()) << tables.status();
  ASSERT_EQ(tables->size(), 1u);
  EXPECT_EQ((*tables)[0].layer, "gold");
  EXPECT_EQ((*tables)[0].name, "t");
  EXPECT_EQ((*tables)[0].rows, 2);
  EXPECT_EQ((*tables)[0].files, 2);
}

TEST(LakeReader, RefreshIntervalHoldsTheSnapshotBetweenChecks) {
  testing::TempLake lake;
  ASSERT_TRUE(testing::AppendJsonRows(lake.path(), "gold/t", Schema(),
                                      R"({"day":"2026-01-05","at":"2026-01-05T10:00:00Z","x":1,"tags":[]})")
                  .ok());
  LakeReader::Options options;
  options.refresh_interval = std::chrono::hours(1);
  auto reader = LakeReader::Open(lake.path(), options);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ((*reader)->Rows("gold/t")->rows->size(), 1u);
  ASSERT_TRUE(testing::AppendJsonRows(lake.path(), "gold/t", Schema(),
                                      R"({"day":"2026-01-06","at":"2026-01-06T10:00:00Z","x":2,"tags":[]})")
                  .ok());
  EXPECT_EQ((*reader)->Rows("gold/t")->rows->size(), 1u);  // not re-read within the interval
}

TEST(LakeReader, StatusObjectsAreOptional) {
  testing::TempLake lake;
  auto reader = LakeReader::Open(lake.path());
  ASSERT_TRUE(reader.ok());
  auto absent = (*reader)->ReadObject("_runs/stream_status.json");
  ASSERT_TRUE(absent.ok());
  EXPECT_FALSE(absent->has_value());
  lake.WriteFile("_runs/stream_status.json", "{}");
  EXPECT_EQ(**(*reader)->ReadObject("_runs/stream_status.json"), "{}");
}

}  // namespace
}  // namespace medallion::serve
