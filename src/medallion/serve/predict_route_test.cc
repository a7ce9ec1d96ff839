#include "medallion/serve/predict_route.h"

#include <cmath>

#include <gtest/gtest.h>

namespace medallion::serve {
namespace {

// A test double: predicts price * quantity, treating a missing value as 0.
class ProductPredictor : public Predictor {
 public:
  ProductPredictor() : Predictor({"price", "quantity"}) {}
  ModelInfo model() const override { return {"demand_xgb", "3"}; }
  Result<std::vector<double>> Predict(const FeatureMatrix& m) const override {
    std::vector<double> out;
    for (size_t r = 0; r < m.num_rows; ++r) {
      double p = std::isnan(m.at(r, 0)) ? 0 : m.at(r, 0);
      double q = std::isnan(m.at(r, 1)) ? 0 : m.at(r, 1);
      out.push_back(p * q);
    }
    return out;
  }
};

// Counts its calls, so a test can see requests predicted together.
class CountingPredictor : public ProductPredictor {
 public:
  Result<std::vector<double>> Predict(const FeatureMatrix& m) const override {
    ++calls;
    return ProductPredictor::Predict(m);
  }
  mutable int calls = 0;
};

// A broken adapter: one prediction short.
class ShortPredictor : public ProductPredictor {
 public:
  Result<std::vector<double>> Predict(const FeatureMatrix& m) const override {
    auto out = ProductPredictor::Predict(m);
    if (out.ok() && !out->empty()) out->pop_back();
    return out;
  }
};

Request Post(std::string body) {
  Request r;
  r.method = Method::kPost;
  r.path = "/api/v1/predict";
  r.body = std::move(body);
  return r;
}

class PredictRouteTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(AddPredictRoute(router_, slot_).ok()); }
  nlohmann::json Error(const Response& r) { return nlohmann::json::parse(r.body)["error"]; }

  Router router_;
  std::shared_ptr<PredictorSlot> slot_ = std::make_shared<PredictorSlot>();
};

TEST_F(PredictRouteTest, PredictsWithTheChampion) {
  slot_->Set(std::make_shared<ProductPredictor>());
  auto d = router_.Dispatch(Post(R"({"rows": [{"price": 2.5, "quantity": 4}, {"quantity": 3}, {"price": null}]})"));
  ASSERT_EQ(d.response.status, 200) << d.response.body;
  auto body = nlohmann::json::parse(d.response.body);
  EXPECT_EQ(body["model"], (nlohmann::json{{"name", "demand_xgb"}, {"version", "3"}}));
  EXPECT_EQ(body["predictions"], (nlohmann::json{10.0, 0.0, 0.0}));
}

TEST_F(PredictRouteTest, RequestsPredictedTogetherGetTheirOwnRowsAndErrors) {
  auto model = std::make_shared<CountingPredictor>();
  slot_->Set(model);
  std::vector<Request> requests;
  requests.push_back(Post(R"({"rows": [{"price": 2, "quantity": 3}, {"price": 1, "quantity": 1}]})"));
  requests.push_back(Post(R"({"rows": [{"price": 2, "quantity": "3"}]})"));  // refused: a string
  requests.push_back(Post(R"({"rows": [{"price": 5, "quantity": 5}]})"));
  requests.push_back(Post(R"({"rows": [{"price": 7, "quantity": 1}, {"price": 1)"));  // truncated
  auto out = router_.DispatchAll(requests);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(model->calls, 1);
  EXPECT_EQ(nlohmann::json::parse(out[0].response.body)["predictions"], (nlohmann::json{6.0, 1.0}));
  EXPECT_EQ(out[1].response.status, 400);
  EXPECT_EQ(Error(out[1].response)["field"], "rows[0].quantity");
  EXPECT_EQ(nlohmann::json::parse(out[2].response.body)["predictions"], (nlohmann::json{25.0}));
  EXPECT_EQ(out[3].response.status, 400);
  EXPECT_EQ(Error(out[3].response)["code"], "malformed_json");
  // Each answer is what the request would have got alone.
  for (size_t i = 0; i < requests.size(); ++i) {
    auto alone = router_.Dispatch(requests[i]);
    EXPECT_EQ(alone.response.status, out[i].response.status) << i;
    EXPECT_EQ(alone.response.body, out[i].response.body) << i;
  }
}

TEST_F(PredictRouteTest, AModelThatAnswersTooFewRowsIs500NotAnOutOfBoundsRead) {
  slot_->Set(std::make_shared<ShortPredictor>());
  std::vector<Request> requests{Post(R"({"rows": [{"price": 1, "quantity": 2}]})"),
                                Post(R"({"rows": [{"price": 3, "quantity": 4}]})")};
  auto responses = PredictAll(*slot_, requests);
  ASSERT_EQ(responses.size(), 2u);
  for (const auto& r : responses) {
    EXPECT_EQ(r.status, 500) << r.body;
    EXPECT_EQ(Error(r)["code"], "prediction_failed");
  }
}

TEST_F(PredictRouteTest, NoChampionIs503AfterValidation) {
  EXPECT_EQ(router_.Dispatch(Post(R"({"rows": [{"x": 1}]})")).response.status, 503);
  EXPECT_EQ(router_.Dispatch(Post(R"({"rows": [{"x": "1"}]})")).response.status, 400);
}

TEST_F(PredictRouteTest, BadBodiesNameTheField) {
  slot_->Set(std::make_shared<ProductPredictor>());
  struct Case {
    const char* body;
    int status;
    const char* field;
  };
  for (const Case& c : std::vector<Case>{
           {"{not json", 400, "body"},
           {"[]", 400, "body"},
           {"{}", 400, "rows"},
           {R"({"rows": {}})", 400, "rows"},
           {R"({"rows": []})", 400, "rows"},
           {R"({"rows": [{}], "extra": 1})", 400, "extra"},
           {R"({"rows": [{"price": 1}, 7]})", 400, "rows[1]"},
           {R"({"rows": [{"price": "cheap"}]})", 400, "rows[0].price"},
           {R"({"rows": [{"price": 1, "pirce": 2}]})", 400, "rows[0].pirce"},
           {R"({"rows": [{"price": 1e300}]})", 400, "rows[0].price"},
           {R"({"rows": [{"price": 1e400}]})", 400, "body"},  // beyond double: a parse error
           {R"({"rows": [{"price": 01}]})", 400, "body"},
           {R"({"rows": [{"price": -}]})", 400, "body"},
           {R"({"rows": [{"price": 1}])", 400, "body"},
           {R"({"rows": [{"price": 1})", 400, "body"},
           {R"({"rows": [{"price": 1}]} trailing)", 400, "body"},
           {R"({"rows": [{"price": [1]}]})", 400, "rows[0].price"},
           {R"({"rows": [{"price": true}]})", 400, "rows[0].price"},
           {R"({"rows": [{"price": nul}]})", 400, "body"},
           {"{\"rows\": [{\"price\": 1, \"\xff\": 2}]}", 400, "body"},
           {R"("rows")", 400, "body"},
           {"", 400, "body"},
       }) {
    Response r = router_.Dispatch(Post(c.body)).response;
    EXPECT_EQ(r.status, c.status) << c.body;
    EXPECT_EQ(Error(r)["field"], c.field) << c.body;
  }
  // Bytes a C string cannot hold: anything after a NUL, a raw control character.
  for (std::string body : {std::string(R"({"rows": [{"price": 1}]})") + '\0' + "trailing",
                           std::string("{\"rows\": [{\"pr\x01ice\": 1}]}")}) {
    Response r = router_.Dispatch(Post(body)).response;
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(Error(r)["code"], "malformed_json");
  }
}

TEST_F(PredictRouteTest, EscapedNamesNullsAndBigIntegersAreRead) {
  slot_->Set(std::make_shared<ProductPredictor>());
  FeatureMatrix matrix;
  auto error = ParsePredictBody(R"( {"rows": [{"pri\u0063e": 2.5, "quantity": null},
                                             {"quantity": 100000000000000000000000, "price": -0}]} )",
                                slot_->Get().get(), matrix);
  ASSERT_FALSE(error) << error->message;
  ASSERT_EQ(matrix.num_rows, 2u);
  const auto price = *slot_->Get()->ColumnOf("price"), quantity = *slot_->Get()->ColumnOf("quantity");
  EXPECT_EQ(matrix.values[price], 2.5f);
  EXPECT_TRUE(std::isnan(matrix.values[quantity]));
  EXPECT_EQ(matrix.values[matrix.num_cols + quantity], 1e23f);
  EXPECT_EQ(matrix.values[matrix.num_cols + price], 0.0f);
}

TEST_F(PredictRouteTest, MoreThan1000RowsIs400NamingRows) {
  std::string body = R"({"rows": [)";
  for (int i = 0; i < 1001; ++i) body += (i ? "," : "") + std::string(R"({"price": 1})");
  body += "]}";
  Response r = router_.Dispatch(Post(body)).response;
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Error(r)["code"], "too_many_rows");
  EXPECT_EQ(Error(r)["field"], "rows");
}

TEST_F(PredictRouteTest, SchemaFollowsTheChampionsFeatures) {
  EXPECT_TRUE(PredictRequestSchema(*slot_)["properties"]["rows"]["items"]["additionalProperties"].is_object());
  slot_->Set(std::make_shared<ProductPredictor>());
  auto items = PredictRequestSchema(*slot_)["properties"]["rows"]["items"];
  EXPECT_EQ(items["additionalProperties"], false);
  EXPECT_TRUE(items["properties"].contains("price"));
  EXPECT_TRUE(items["properties"].contains("quantity"));
}

}  // namespace
}  // namespace medallion::serve
