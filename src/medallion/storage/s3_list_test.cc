#include "medallion/storage/s3_list.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace medallion::storage {
namespace {

TEST(ListObjectsV2QueryTest, ParametersAreSortedEncodedAndEmptyOnesLeftOut) {
  EXPECT_EQ(ListObjectsV2Query("t/_delta_log/", "/", "t/_delta_log/00000000000000000009.json", "", 0),
            "delimiter=%2F&encoding-type=url&list-type=2&prefix=t%2F_delta_log%2F"
            "&start-after=t%2F_delta_log%2F00000000000000000009.json");
  EXPECT_EQ(ListObjectsV2Query("", "", "", "tok+en=", 2), "continuation-token=tok%2Ben%3D&encoding-type=url&list-type=2&max-keys=2");
}

TEST(DecodeS3UrlEncodingTest, UndoesPercentAndPlus) {
  EXPECT_EQ(DecodeS3UrlEncoding("city%3DS%C3%A3o+Paulo/part+0%2B1%25.json"), "city=São Paulo/part 0+1%.json");
  EXPECT_EQ(DecodeS3UrlEncoding("trailing%2"), "trailing%2");
}

TEST(ParseS3TimestampTest, ReadsIso8601WithOrWithoutMilliseconds) {
  EXPECT_EQ(ParseS3Timestamp("1970-01-01T00:00:01.250Z").ValueOr(-1), 1250);
  EXPECT_EQ(ParseS3Timestamp("2024-02-29T12:00:00Z").ValueOr(-1), 1709208000000);
  EXPECT_TRUE(ParseS3Timestamp("yesterday").status().code() == StatusCode::kCorruption);
}

TEST(ParseListObjectsV2Test, ReadsObjectsAndContinuation) {
  const std::string xml = R"(<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><Prefix>a/</Prefix>
<NextContinuationToken>TOKEN==</NextContinuationToken><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys>
<IsTruncated>true</IsTruncated>
<Contents><Key>a/c+d%3D1.json</Key><LastModified>1970-01-01T00:00:02.000Z</LastModified><ETag>&#34;x&#34;</ETag><Size>6</Size></Contents>
<Contents><Key>a/e.json</Key><LastModified>1970-01-01T00:00:03.000Z</LastModified><Size>7</Size></Contents>
<CommonPrefixes><Prefix>a/b/</Prefix></CommonPrefixes><EncodingType>url</EncodingType></ListBucketResult>)";
  auto page = ParseListObjectsV2(xml);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_TRUE(page->truncated);
  EXPECT_EQ(page->next_continuation_token, "TOKEN==");
  ASSERT_EQ(page->objects.size(), 2u);
  EXPECT_EQ(page->objects[0].key, "a/c d=1.json");
  EXPECT_EQ(page->objects[0].size, 6);
  EXPECT_EQ(page->objects[0].mtime_ms, 2000);
  EXPECT_EQ(page->objects[1].key, "a/e.json");
}

TEST(ParseListObjectsV2Test, NotAListingIsCorruption) {
  auto page = ParseListObjectsV2("<Error><Code>AccessDenied</Code></Error>");
  EXPECT_EQ(page.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(ParseListObjectsV2("not xml").status().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace medallion::storage
