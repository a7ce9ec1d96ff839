#include "medallion/delta/action.h"

#include <gtest/gtest.h>

namespace medallion::delta {
namespace {

TEST(ActionTest, RoundTripsEveryKind) {
  AddFile add;
  add.path = "day=2024-05-01/part-0.parquet";
  add.partition_values = {{"day", "2024-05-01"}, {"city", std::nullopt}};
  add.size = 123;
  add.modification_time = 456;
  add.stats = R"({"numRecords":3})";
  Txn txn{"grp-orders-0", 41, 789};
  Protocol protocol;
  Metadata metadata;
  metadata.id = "id-1";
  metadata.schema_string = R"({"type":"struct","fields":[]})";
  metadata.partition_columns = {"day"};
  metadata.configuration = {{"delta.checkpointInterval", "10"}};
  RemoveFile remove;
  remove.path = "a.parquet";
  remove.deletion_timestamp = 5;
  std::vector<Action> actions = {CommitInfo{R"({"operation":"WRITE"})"}, protocol, metadata, add, remove, txn};
  auto parsed = ParseCommit(SerializeCommit(actions), "test");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->size(), actions.size());
  const auto& a = std::get<AddFile>((*parsed)[3]);
  EXPECT_EQ(a.path, add.path);
  EXPECT_EQ(a.partition_values, add.partition_values);
  EXPECT_EQ(a.stats, add.stats);
  EXPECT_EQ(std::get<Txn>((*parsed)[5]).version, 41);
  EXPECT_EQ(std::get<Metadata>((*parsed)[2]).configuration.at("delta.checkpointInterval"), "10");
  EXPECT_EQ(std::get<Protocol>((*parsed)[1]).min_writer_version, 2);
  EXPECT_EQ(std::get<RemoveFile>((*parsed)[4]).deletion_timestamp, 5);
}

TEST(ActionTest, KeepsUnknownActionsVerbatim) {
  auto parsed = ParseAction(R"({"domainMetadata":{"domain":"x","configuration":"{}","removed":false}})", "t");
  ASSERT_TRUE(parsed.ok());
  ASSERT_TRUE(std::holds_alternative<OtherAction>(*parsed));
  EXPECT_NE(ActionToJson(*parsed).find("domainMetadata"), std::string::npos);
}

TEST(ActionTest, CorruptLineNamesTheFileAndLine) {
  auto parsed = ParseCommit("{\"add\":{\"path\":\"a\"}}\n{not json\n", "_delta_log/00000000000000000007.json");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), StatusCode::kCorruption);
  EXPECT_NE(parsed.status().message().find("00000000000000000007.json line 2"), std::string::npos);
}

TEST(ActionTest, FileNamesAndVersions) {
  EXPECT_EQ(CommitFileName(12), "_delta_log/00000000000000000012.json");
  EXPECT_EQ(CheckpointFileName(10), "_delta_log/00000000000000000010.checkpoint.parquet");
  EXPECT_EQ(ParseCommitVersion("_delta_log/00000000000000000012.json"), 12);
  EXPECT_FALSE(ParseCommitVersion("_delta_log/00000000000000000012.checkpoint.parquet").has_value());
  EXPECT_FALSE(ParseCommitVersion("_delta_log/_last_checkpoint").has_value());
}

TEST(ActionTest, UriPathEncoding) {
  EXPECT_EQ(EncodeUriPath("city=São Paulo/p.parquet"), "city=S%C3%A3o%20Paulo/p.parquet");
  EXPECT_EQ(DecodeUriPath("city=S%C3%A3o%20Paulo/p.parquet"), "city=São Paulo/p.parquet");
  EXPECT_EQ(DecodeUriPath("ts=2024-01-01 00%253A00/x"), "ts=2024-01-01 00%3A00/x");
  EXPECT_EQ(DecodeUriPath("bad%zz"), "bad%zz");
}

}  // namespace
}  // namespace medallion::delta
