#include "medallion/ml/model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <random>

#include "medallion/ml/metrics.h"
#include "medallion/ml/ridge_model.h"

namespace medallion::ml {
namespace {

// y = 3 + 2 a - b (+ noise), with an irrelevant column c.
struct Linear {
  FeatureMatrix x{{"a", "b", "c"}};
  std::vector<double> y;
  explicit Linear(size_t rows, double noise = 0, uint64_t seed = 7) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> u(-5, 5);
    std::normal_distribution<double> n(0, 1);
    for (size_t r = 0; r < rows; ++r) {
      const double a = u(rng), b = u(rng), c = u(rng);
      EXPECT_TRUE(x.AppendRow(std::vector<double>{a, b, c}).ok());
      y.push_back(3 + 2 * a - b + noise * n(rng));
    }
  }
};

std::string TempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("medallion_ml_" + std::to_string(::getpid()) + "_" + name)).string();
}

TEST(RidgeModelTest, RecoversALinearFunction) {
  Linear data(200);
  auto model = CreateModel("ridge", {{"alpha", 1e-9}});
  ASSERT_TRUE(model.ok()) << model.status();
  ASSERT_TRUE((*model)->Fit(data.x, data.y).ok());
  auto predicted = (*model)->Predict(data.x);
  ASSERT_TRUE(predicted.ok()) << predicted.status();
  for (size_t i = 0; i < data.y.size(); ++i) EXPECT_NEAR((*predicted)[i], data.y[i], 1e-6);
  auto importance = (*model)->Importance();
  ASSERT_TRUE(importance.ok());
  EXPECT_EQ(importance->front().feature, "a");
  EXPECT_EQ(importance->back().feature, "c");
}

TEST(RidgeModelTest, PenaltyShrinksCoefficients) {
  Linear data(200);
  auto loose = CreateModel("ridge", {{"alpha", 1e-9}});
  auto tight = CreateModel("ridge", {{"alpha", 1e4}});
  ASSERT_TRUE((*loose)->Fit(data.x, data.y).ok());
  ASSERT_TRUE((*tight)->Fit(data.x, data.y).ok());
  EXPECT_GT(std::abs(static_cast<const RidgeModel&>(**loose).coefficients()[0]),
            3 * std::abs(static_cast<const RidgeModel&>(**tight).coefficients()[0]));
}

TEST(ModelTest, SelectsFeaturesByNameWhateverTheColumnOrder) {
  Linear data(100, 0.5);
  auto model = CreateModel("ridge");
  ASSERT_TRUE((*model)->Fit(data.x, data.y).ok());
  auto reordered = data.x.Select({"c", "a", "b"});
  ASSERT_TRUE(reordered.ok());
  EXPECT_EQ(*(*model)->Predict(data.x), *(*model)->Predict(*reordered));
  auto missing = (*model)->Predict(*data.x.Select({"a", "c"}));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("'b'"), std::string::npos) << missing.status();
}

TEST(ModelTest, UnknownKindAndBadParamsAreRejected) {
  EXPECT_TRUE(CreateModel("prophet").status().IsInvalidArgument());
  EXPECT_TRUE(CreateModel("ridge", {{"alpha", -1}}).status().IsInvalidArgument());
  EXPECT_TRUE(CreateModel("xgboost", {{"num_boost_round", 0}}).status().IsInvalidArgument());
  auto bad_param = CreateModel("xgboost", {{"objective", "reg:nonsense"}, {"num_boost_round", 2}});
  ASSERT_TRUE(bad_param.ok());
  Linear data(20);
  EXPECT_FALSE((*bad_param)->Fit(data.x, data.y).ok());
}

TEST(SeasonalNaiveModelTest, TakesTheFirstKnownFallback) {
  FeatureMatrix x({"y_season_1", "y_season_2", "y_last_0"});
  ASSERT_TRUE(x.AppendRow(std::vector<double>{5, 6, 7}).ok());
  ASSERT_TRUE(x.AppendRow(std::vector<double>{NAN, 6, 7}).ok());
  ASSERT_TRUE(x.AppendRow(std::vector<double>{NAN, NAN, 7}).ok());
  auto model = CreateModel("seasonal_naive");
  ASSERT_TRUE((*model)->Fit(x, std::vector<double>{0, 0, 0}).ok());
  EXPECT_EQ(*(*model)->Predict(x), (std::vector<double>{5, 6, 7}));
}

class SaveLoadTest : public ::testing::TestWithParam<std::pair<std::string, nlohmann::json>> {};

TEST_P(SaveLoadTest, RoundTripGivesIdenticalPredictions) {
  const auto& [kind, params] = GetParam();
  Linear data(300, 0.3);
  // Keep targets positive for tweedie.
  for (auto& v : data.y) v = std::abs(v) + 0.1;
  FeatureMatrix x = data.x;
  if (kind == "seasonal_naive") x = *data.x.Select({"a", "b", "c"});
  auto model = CreateModel(kind, params);
  ASSERT_TRUE(model.ok()) << model.status();
  ASSERT_TRUE((*model)->Fit(x, data.y).ok());
  auto before = (*model)->Predict(x);
  ASSERT_TRUE(before.ok()) << before.status();

  const std::string path = TempPath(kind + ".json");
  ASSERT_TRUE(SaveModelFile(**model, path).ok());
  auto loaded = LoadModelFile(path);
  std::filesystem::remove(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ((*loaded)->kind(), kind);
  EXPECT_EQ((*loaded)->feature_names(), (*model)->feature_names());
  EXPECT_EQ((*loaded)->params(), (*model)->params());
  auto after = (*loaded)->Predict(x);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(*before, *after);  // bit for bit
}

INSTANTIATE_TEST_SUITE_P(
    AllModels, SaveLoadTest,
    ::testing::Values(std::make_pair(std::string("seasonal_naive"), nlohmann::json{{"features", {"a", "b"}}}),
                      std::make_pair(std::string("ridge"), nlohmann::json{{"alpha", 0.5}}),
                      std::make_pair(std::string("xgboost"), nlohmann::json{{"num_boost_round", 30}}),
                      std::make_pair(std::string("xgboost"),
                                     nlohmann::json{{"num_boost_round", 30}, {"objective", "reg:tweedie"},
                                                    {"tweedie_variance_power", 1.3}})));

TEST(XGBoostModelTest, RegressionFitsAndRanksTheUsefulFeatureFirst) {
  Linear train(500, 0.1, 1), test(200, 0.1, 2);
  auto model = CreateModel("xgboost", {{"num_boost_round", 150}, {"eta", 0.1}, {"max_depth", 4}});
  ASSERT_TRUE((*model)->Fit(train.x, train.y).ok());
  auto predicted = (*model)->Predict(test.x);
  ASSERT_TRUE(predicted.ok()) << predicted.status();
  auto metrics = ComputeRegressionMetrics(test.y, *predicted, 1);
  EXPECT_GT(metrics->r2, 0.9);
  auto importance = (*model)->Importance();
  ASSERT_TRUE(importance.ok()) << importance.status();
  ASSERT_FALSE(importance->empty());
  EXPECT_EQ(importance->front().feature, "a");
  EXPECT_GT(importance->front().score, 0);
}

TEST(XGBoostModelTest, BinaryLogisticGivesProbabilitiesThatRank) {
  Linear train(600, 0.5, 3), test(300, 0.5, 4);
  auto to_labels = [](std::vector<double>& y) {
    for (auto& v : y) v = v > 3 ? 1.0 : 0.0;
  };
  to_labels(train.y);
  to_labels(test.y);
  auto model = CreateModel("xgboost", {{"objective", "binary:logistic"}, {"num_boost_round", 60}, {"eta", 0.2}});
  ASSERT_TRUE((*model)->Fit(train.x, train.y).ok());
  auto scores = (*model)->Predict(test.x);
  ASSERT_TRUE(scores.ok()) << scores.status();
  for (double p : *scores) {
    EXPECT_GT(p, 0);
    EXPECT_LT(p, 1);
  }
  auto metrics = ComputeClassificationMetrics(test.y, *scores);
  auto baseline = MajorityClassBaseline(train.y, test.y);
  ASSERT_TRUE(metrics.ok() && baseline.ok());
  EXPECT_GT(metrics->roc_auc, 0.9);
  EXPECT_GT(metrics->accuracy, baseline->accuracy + 0.2);
}

TEST(DeserializeModelTest, RejectsWhatIsNotAModel) {
  EXPECT_EQ(DeserializeModel("not json").status().code(), StatusCode::kCorruption);
  EXPECT_EQ(DeserializeModel(R"({"medallion_model": "unknown"})").status().code(), StatusCode::kCorruption);
  EXPECT_EQ(DeserializeModel(R"({"medallion_model": "ridge", "params": {}})").status().code(),
            StatusCode::kCorruption);
  EXPECT_TRUE(LoadModelFile(TempPath("does_not_exist.json")).status().IsNotFound());
}

}  // namespace
}  // namespace medallion::ml

namespace medallion::ml {
namespace {

TEST(XGBoostModelTest, ReadsTheArrayBaseScoreOfNewerXGBoost) {
  Linear data(200, 0.2);
  auto model = CreateModel("xgboost", {{"num_boost_round", 10}});
  ASSERT_TRUE((*model)->Fit(data.x, data.y).ok());
  auto bytes = (*model)->Serialize();
  ASSERT_TRUE(bytes.ok());
  // XGBoost >= 2 writes "[<value>]"; the value itself is unchanged.
  auto doc = nlohmann::json::parse(*bytes);
  auto& base_score = doc["learner"]["learner_model_param"]["base_score"];
  ASSERT_TRUE(base_score.is_string());
  base_score = "[" + base_score.get<std::string>() + "]";
  auto newer = DeserializeModel(doc.dump());
  ASSERT_TRUE(newer.ok()) << newer.status();
  EXPECT_EQ(*(*newer)->Predict(data.x), *(*model)->Predict(data.x));

  base_score = "[1E0,2E0]";
  EXPECT_EQ(DeserializeModel(doc.dump()).status().code(), StatusCode::kNotImplemented);
}

}  // namespace
}  // namespace medallion::ml
