#include "medallion/serve/params.h"

#include <gtest/gtest.h>

namespace medallion::serve {
namespace {

ParamSpec Query(std::string name, ParamType type, bool required = false) {
  return QueryParam(std::move(name), type, required);
}

std::string ErrorField(const std::variant<ParamValues, ParamError>& result) {
  auto* error = std::get_if<ParamError>(&result);
  return error ? error->field : "";
}

TEST(ValidateParams, ParsesTypedValues) {
  ParamSpec horizon = Query("horizon", ParamType::kInteger);
  horizon.minimum = 1;
  horizon.maximum = 90;
  std::vector<ParamSpec> specs = {Query("product_id", ParamType::kString, true), horizon,
                                  Query("date", ParamType::kDate), Query("scale", ParamType::kNumber),
                                  Query("debug", ParamType::kBoolean)};
  auto result = ValidateParams(
      specs, {}, {{"product_id", "P1"}, {"horizon", "7"}, {"date", "2024-02-29"}, {"scale", "-1.5e2"}, {"debug", "true"}});
  ASSERT_TRUE(std::holds_alternative<ParamValues>(result)) << ErrorField(result);
  const auto& values = std::get<ParamValues>(result);
  EXPECT_EQ(values.String("product_id"), "P1");
  EXPECT_EQ(values.Int("horizon"), 7);
  EXPECT_EQ(values.String("date"), "2024-02-29");
  EXPECT_EQ(values.Number("scale"), -150.0);
  EXPECT_EQ(values.Bool("debug"), true);
}

TEST(ValidateParams, NamesTheFieldThatFails) {
  ParamSpec horizon = Query("horizon", ParamType::kInteger);
  horizon.maximum = 90;
  std::vector<ParamSpec> specs = {Query("product_id", ParamType::kString, true), horizon,
                                  Query("date", ParamType::kDate)};
  EXPECT_EQ(ErrorField(ValidateParams(specs, {}, {})), "product_id");
  EXPECT_EQ(ErrorField(ValidateParams(specs, {}, {{"product_id", "P"}, {"horizon", "7x"}})), "horizon");
  EXPECT_EQ(ErrorField(ValidateParams(specs, {}, {{"product_id", "P"}, {"horizon", "91"}})), "horizon");
  EXPECT_EQ(ErrorField(ValidateParams(specs, {}, {{"product_id", "P"}, {"date", "2023-02-29"}})), "date");
  EXPECT_EQ(ErrorField(ValidateParams(specs, {}, {{"product_id", "P"}, {"product_id", "Q"}})), "product_id");
  // Undeclared parameters are ignored.
  EXPECT_EQ(ErrorField(ValidateParams(specs, {}, {{"product_id", "P"}, {"other", "x"}})), "");
}

TEST(ParseParam, RejectsNonDecimalNumbers) {
  ParamSpec spec = Query("x", ParamType::kNumber);
  for (const char* raw : {"", "inf", "nan", "0x10", "1e999", "1,5"}) {
    EXPECT_TRUE(std::holds_alternative<ParamError>(ParseParam(spec, raw))) << raw;
  }
  ParamSpec integer = Query("n", ParamType::kInteger);
  for (const char* raw : {"", "1.0", " 1", "99999999999999999999"}) {
    EXPECT_TRUE(std::holds_alternative<ParamError>(ParseParam(integer, raw))) << raw;
  }
  EXPECT_TRUE(std::holds_alternative<ParamError>(ParseParam(Query("b", ParamType::kBoolean), "1")));
}

TEST(ParamSpec, SchemaCarriesTypeAndBounds) {
  ParamSpec spec = Query("horizon", ParamType::kInteger);
  spec.minimum = 1;
  spec.maximum = 90;
  EXPECT_EQ(spec.Schema(), (nlohmann::json{{"type", "integer"}, {"minimum", 1}, {"maximum", 90}}));
  EXPECT_EQ(Query("d", ParamType::kDate).Schema(), (nlohmann::json{{"type", "string"}, {"format", "date"}}));
}

}  // namespace
}  // namespace medallion::serve
