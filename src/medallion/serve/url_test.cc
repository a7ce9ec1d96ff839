#include "medallion/serve/url.h"

#include <gtest/gtest.h>

namespace medallion::serve {
namespace {

TEST(PercentDecode, DecodesEscapesAndPlusOnlyInQueries) {
  EXPECT_EQ(*PercentDecode("a%20b+c", false), "a b+c");
  EXPECT_EQ(*PercentDecode("a%20b+c", true), "a b c");
  EXPECT_EQ(*PercentDecode("%2e%2E", false), "..");
}

TEST(PercentDecode, RejectsBadEscapesAndNul) {
  EXPECT_TRUE(PercentDecode("%", false).status().IsInvalidArgument());
  EXPECT_TRUE(PercentDecode("ab%2", false).status().IsInvalidArgument());
  EXPECT_TRUE(PercentDecode("%zz", false).status().IsInvalidArgument());
  EXPECT_TRUE(PercentDecode("a%00b", false).status().IsInvalidArgument());
}

TEST(ParseTarget, SplitsPathAndQuery) {
  auto target = ParseTarget("/api/v1/forecast?product_id=P%201&horizon=7&&flag&x=a=b");
  ASSERT_TRUE(target.ok()) << target.status();
  EXPECT_EQ(target->path, "/api/v1/forecast");
  ASSERT_EQ(target->query.size(), 4u);
  EXPECT_EQ(target->query[0], (std::pair<std::string, std::string>{"product_id", "P 1"}));
  EXPECT_EQ(target->query[1], (std::pair<std::string, std::string>{"horizon", "7"}));
  EXPECT_EQ(target->query[2], (std::pair<std::string, std::string>{"flag", ""}));
  EXPECT_EQ(target->query[3], (std::pair<std::string, std::string>{"x", "a=b"}));
}

TEST(ParseTarget, RejectsNonOriginForm) {
  EXPECT_FALSE(ParseTarget("http://example.com/").ok());
  EXPECT_FALSE(ParseTarget("*").ok());
  EXPECT_FALSE(ParseTarget("").ok());
  EXPECT_FALSE(ParseTarget("/a?x=%zz").ok());
}

TEST(SplitPath, KeepsEmptySegments) {
  EXPECT_EQ(SplitPath("/"), (std::vector<std::string_view>{""}));
  EXPECT_EQ(SplitPath("/a/b/"), (std::vector<std::string_view>{"a", "b", ""}));
  EXPECT_EQ(SplitPath("/a//b"), (std::vector<std::string_view>{"a", "", "b"}));
}

}  // namespace
}  // namespace medallion::serve
