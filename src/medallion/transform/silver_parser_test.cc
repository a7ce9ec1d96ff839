#include "medallion/transform/silver_parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace medallion::transform {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;

constexpr int64_t kIngest = 1'717'243'200'000'000;  // 2024-06-01T12:00:00Z

const char* kGood =
    R"({"event_id":"0b8e2f5c-3c1e-4f6a-9d2b-1a2b3c4d5e6f","event_type":"Order_Created","event_time":"2024-06-01T10:00:00.123Z",)"
    R"("customer_id":"C000042","product_id":"P00007","category":"toys","city":"  Berlin ","country":"de","quantity":3,)"
    R"("unit_price":19.5,"currency":"eur","promo":true,"store_id":"WEB-DE"})";

std::vector<std::string> Rules(const ParseOutcome& out) {
  std::vector<std::string> rules;
  for (const auto& f : out.failures) rules.push_back(f.rule);
  return rules;
}

TEST(OrderParserTest, TypesAndNormalisesAGoodEvent) {
  OrderParser parser;
  auto out = parser.Parse(kGood, kIngest);
  ASSERT_TRUE(out.order) << (out.failures.empty() ? "" : out.failures[0].reason);
  EXPECT_EQ(out.order->event_type, "order_created");
  EXPECT_EQ(out.order->event_time_us, 1'717'236'000'123'000);
  EXPECT_EQ(out.order->city, "Berlin");
  EXPECT_EQ(out.order->country, "DE");
  EXPECT_EQ(out.order->currency, "EUR");
  EXPECT_EQ(out.order->quantity, 3);
  EXPECT_DOUBLE_EQ(out.order->unit_price, 19.5);
  EXPECT_TRUE(out.order->promo);
}

TEST(OrderParserTest, SyntaxErrorsNameTheRule) {
  OrderParser parser;
  for (std::string bad : {std::string(""), std::string("{\"event_id\" \"x\"}"), std::string(kGood).substr(0, 40),
                          std::string("{\"quantity\":NaN}"), std::string("{\"city\":\"Z\xC3\x28rich\"}")}) {
    auto out = parser.Parse(bad, kIngest);
    EXPECT_FALSE(out.order);
    EXPECT_THAT(Rules(out), ElementsAre("json_syntax")) << bad.substr(0, 50);
    EXPECT_THAT(out.failures[0].reason, HasSubstr("(json_syntax)"));
  }
}

TEST(OrderParserTest, DeepNestingIsRejectedWithoutCrashing) {
  OrderParser parser;
  std::string value = kGood;
  value.insert(value.size() - 1, ",\"extra\":" + std::string(10000, '[') + std::string(10000, ']'));
  auto out = parser.Parse(value, kIngest);
  EXPECT_FALSE(out.order);
  EXPECT_THAT(Rules(out), ElementsAre("schema_known_fields"));
}

TEST(OrderParserTest, ReasonsStayValidUtf8ForInvalidInput) {
  OrderParser parser;
  auto out = parser.Parse("{\"city\":\"Z\xC3\x28rich \xFF\"}", kIngest);
  ASSERT_EQ(out.failures.size(), 1u);
  EXPECT_THAT(out.failures[0].reason, HasSubstr("\\xff"));
  EXPECT_EQ(out.failures[0].reason.find('\xFF'), std::string::npos);
}

TEST(OrderParserTest, ByteOrderMarkAndNonObjects) {
  OrderParser parser;
  EXPECT_THAT(Rules(parser.Parse(std::string("\xEF\xBB\xBF") + kGood, kIngest)), ElementsAre("json_no_byte_order_mark"));
  EXPECT_THAT(Rules(parser.Parse("[1,2]", kIngest)), ElementsAre("json_object"));
  EXPECT_THAT(Rules(parser.Parse("null", kIngest)), ElementsAre("json_object"));
}

TEST(OrderParserTest, EveryFieldProblemIsListed) {
  OrderParser parser;
  std::string value = kGood;
  value.replace(value.find("\"quantity\":3"), 12, "\"quantity\":\"3\"");
  value.replace(value.find("\"promo\":true"), 12, "\"promo\":null");
  value.erase(value.find(",\"store_id\":\"WEB-DE\""), 20);
  value.insert(value.size() - 1, ",\"coupon\":\"X\",\"city\":\"Paris\"");
  auto out = parser.Parse(value, kIngest);
  EXPECT_FALSE(out.order);
  EXPECT_THAT(Rules(out), ::testing::UnorderedElementsAre("schema_known_fields", "json_unique_keys",
                                                          "schema_field_type", "schema_not_null",
                                                          "schema_required_field"));
  for (const auto& f : out.failures) EXPECT_THAT(f.reason, HasSubstr("(" + f.rule + ")"));
}

TEST(OrderParserTest, TimestampsMustBeZonedAndNotFromTheFuture) {
  OrderParser parser;
  auto with_time = [](std::string t) {
    std::string v = kGood;
    v.replace(v.find("2024-06-01T10:00:00.123Z"), 24, t);
    return v;
  };
  EXPECT_THAT(Rules(parser.Parse(with_time("2024-06-01T10:00:00"), kIngest)), ElementsAre("schema_timestamp_format"));
  EXPECT_THAT(Rules(parser.Parse(with_time("2024-13-45T25:61:00Z"), kIngest)), ElementsAre("schema_timestamp_format"));
  EXPECT_THAT(Rules(parser.Parse(with_time("yesterday"), kIngest)), ElementsAre("schema_timestamp_format"));
  EXPECT_THAT(Rules(parser.Parse(with_time("2024-06-03T10:00:00Z"), kIngest)),
              ElementsAre("event_time_not_after_ingest"));
  EXPECT_TRUE(parser.Parse(with_time("2024-06-01T12:00:00+02:00"), kIngest).order);
}

TEST(OrderParserTest, EscapedControlCharactersAreRejected) {
  OrderParser parser;
  std::string v = kGood;
  v.replace(v.find("C000042"), 7, "C\\u0007042");
  EXPECT_THAT(Rules(parser.Parse(v, kIngest)), ElementsAre("schema_no_control_characters"));
}

}  // namespace
}  // namespace medallion::transform
