#include "medallion/serve/xgboost_predictor.h"

#include <cmath>
#include <limits>
#include <random>

#include <gtest/gtest.h>

#include "medallion/ml/feature_matrix.h"
#include "medallion/ml/xgboost_model.h"
#include "medallion/serve/model_predictor.h"

namespace medallion::serve {
namespace {

// y = 3a - 2b + (c > 0 ? 5 : 0): enough structure for trees of several levels.
std::unique_ptr<ml::Model> TrainedModel() {
  ml::FeatureMatrix x({"a", "b", "c"});
  std::vector<double> y;
  std::mt19937 rng(3);
  std::normal_distribution<double> normal;
  for (int i = 0; i < 500; ++i) {
    std::vector<double> row = {normal(rng), normal(rng), normal(rng)};
    EXPECT_TRUE(x.AppendRow(row).ok());
    y.push_back(3 * row[0] - 2 * row[1] + (row[2] > 0 ? 5 : 0));
  }
  auto model = ml::XGBoostModel::Create({{"num_boost_round", 30}, {"max_depth", 4}});
  EXPECT_TRUE(model.ok());
  EXPECT_TRUE((*model)->Fit(x, y).ok());
  return std::move(*model);
}

TEST(XGBoostPredictor, PredictsWhatTheMlModelPredicts) {
  auto model = TrainedModel();
  auto predictor = XGBoostPredictor::FromModel({"demand", "7"}, *model);
  ASSERT_TRUE(predictor.ok()) << predictor.status().ToString();
  EXPECT_EQ((*predictor)->feature_names(), (std::vector<std::string>{"a", "b", "c"}));

  const float nan = std::numeric_limits<float>::quiet_NaN();
  FeatureMatrix rows{4, 3, {0.5f, -1.0f, 2.0f, -2.0f, 0.25f, -0.5f, 1.0f, nan, 0.1f, nan, nan, nan}};
  ml::FeatureMatrix same({"a", "b", "c"});
  for (size_t r = 0; r < rows.num_rows; ++r) {
    ASSERT_TRUE(same.AppendRow(std::vector<double>{rows.at(r, 0), rows.at(r, 1), rows.at(r, 2)}).ok());
  }
  auto expected = model->Predict(same);
  auto got = (*predictor)->Predict(rows);
  ASSERT_TRUE(expected.ok() && got.ok());
  ASSERT_EQ(got->size(), 4u);
  for (size_t r = 0; r < 4; ++r) EXPECT_FLOAT_EQ((*got)[r], (*expected)[r]) << "row " << r;
  EXPECT_GT((*got)[0], (*got)[1]);  // the trees learned something: 3a - 2b + 5 is larger for row 0
}

TEST(XGBoostPredictor, RefusesAMatrixOfTheWrongWidth) {
  auto model = TrainedModel();
  auto predictor = XGBoostPredictor::FromModel({"demand", "1"}, *model);
  ASSERT_TRUE(predictor.ok());
  auto result = (*predictor)->Predict(FeatureMatrix{1, 2, {1.0f, 2.0f}});
  EXPECT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("2 feature columns"), std::string::npos);
}

TEST(MakePredictor, GivesXGBoostModelsTheServingPath) {
  auto predictor = MakePredictor({"demand", "2"}, TrainedModel());
  ASSERT_TRUE(predictor.ok());
  EXPECT_NE(dynamic_cast<const XGBoostPredictor*>(predictor->get()), nullptr);
  EXPECT_EQ((*predictor)->ColumnOf("b"), 1u);
  EXPECT_EQ((*predictor)->ColumnOf("z"), std::nullopt);
}

}  // namespace
}  // namespace medallion::serve
