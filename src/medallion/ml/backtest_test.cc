#include "medallion/ml/backtest.h"

#include <gtest/gtest.h>

#include "medallion/ml/synthetic.h"

namespace medallion::ml {
namespace {

class BacktestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SyntheticSpec synthetic;
    synthetic.series = 8;
    synthetic.days = 180;
    auto table = MakeSyntheticDemand(synthetic);
    ASSERT_TRUE(table.ok()) << table.status();
    PanelSpec spec;
    spec.known_columns = {"price", "promo"};
    auto panel = Panel::FromTable(**table, spec);
    ASSERT_TRUE(panel.ok()) << panel.status();
    panel_ = std::make_unique<Panel>(std::move(*panel));
  }

  BacktestReport Run(std::string kind, nlohmann::json params) {
    BacktestSpec spec;
    spec.horizons = {1, 7};
    spec.folds = 3;
    size_t last_done = 0, calls = 0;
    auto report = RunBacktest(*panel_, builder_, spec, [&] { return CreateModel(kind, params); },
                              [&](size_t done, size_t total) {
                                EXPECT_EQ(total, 6u);
                                last_done = done;
                                ++calls;
                              });
    EXPECT_TRUE(report.ok()) << report.status();
    EXPECT_EQ(calls, 6u);
    EXPECT_EQ(last_done, 6u);
    return report.ok() ? *report : BacktestReport{};
  }

  std::unique_ptr<Panel> panel_;
  FeatureBuilder builder_{FeatureSpec{}, {"price", "promo"}};
};

void ExpectBeatsSeasonalNaive(const BacktestReport& report) {
  ASSERT_EQ(report.horizons.size(), 2u);
  for (const auto& h : report.horizons) {
    SCOPED_TRACE("horizon " + std::to_string(h.horizon));
    EXPECT_EQ(h.model.count, h.seasonal_naive.count);
    EXPECT_EQ(h.model.count, 3u * 7u * 8u);  // folds x origins per fold x series
    // Seasonal naive pays twice for noise and ignores promotions and trend.
    EXPECT_LT(h.model.wape, 0.85 * h.seasonal_naive.wape);
    EXPECT_LT(h.model.mase, h.seasonal_naive.mase);
  }
  EXPECT_LT(report.overall_model.wape, report.overall_seasonal_naive.wape);
  EXPECT_EQ(report.overall_model.count, 2u * 3u * 7u * 8u);
}

TEST_F(BacktestTest, XGBoostBeatsSeasonalNaive) {
  auto report = Run("xgboost", {{"num_boost_round", 150}, {"eta", 0.05}, {"max_depth", 4}});
  EXPECT_EQ(report.model_kind, "xgboost");
  ExpectBeatsSeasonalNaive(report);
}

TEST_F(BacktestTest, RidgeBeatsSeasonalNaive) {
  auto report = Run("ridge", {{"alpha", 1.0}});
  ExpectBeatsSeasonalNaive(report);
}

TEST_F(BacktestTest, FoldsAreOrderedAndResidualQuantilesMonotone) {
  auto report = Run("ridge", {{"alpha", 1.0}});
  ASSERT_EQ(report.folds.size(), 6u);
  for (size_t i = 1; i < 3; ++i) {
    EXPECT_EQ(report.folds[i].first_origin, report.folds[i - 1].last_origin + 1);
    EXPECT_GT(report.folds[i].train_rows, report.folds[i - 1].train_rows);
  }
  // The last origin leaves room for the longest horizon.
  EXPECT_EQ(report.folds[2].last_origin + 7, panel_->last_observed_day());
  for (const auto& h : report.horizons) {
    ASSERT_EQ(h.residual_quantiles.size(), 5u);
    for (size_t i = 1; i < h.residual_quantiles.size(); ++i) {
      EXPECT_LE(h.residual_quantiles[i - 1].residual, h.residual_quantiles[i].residual);
    }
    EXPECT_LT(h.residual_quantiles.front().residual, 0);
    EXPECT_GT(h.residual_quantiles.back().residual, 0);
  }
  EXPECT_GT(report.mase_scale, 0);
}

TEST_F(BacktestTest, PooledFoldsFittedSideBySideScoreLikeOneAfterTheOther) {
  BacktestSpec spec;
  spec.horizons = {1, 2, 3, 4, 5, 6, 7};
  spec.folds = 3;
  spec.pooled = true;
  FeatureSpec with_horizon;
  with_horizon.horizon_feature = true;
  FeatureBuilder features(with_horizon, {"price", "promo"});
  auto make = [] { return CreateModel("xgboost", {{"num_boost_round", 40}, {"max_depth", 3}, {"nthread", 1}}); };
  auto sequential = RunBacktest(*panel_, features, spec, make);
  FitPool pool(3);
  size_t calls = 0;
  auto side_by_side = RunBacktest(*panel_, features, spec, make, [&](size_t, size_t) { ++calls; }, &pool);
  ASSERT_TRUE(sequential.ok()) << sequential.status();
  ASSERT_TRUE(side_by_side.ok()) << side_by_side.status();
  EXPECT_EQ(calls, 3u);
  ASSERT_EQ(side_by_side->folds.size(), sequential->folds.size());
  for (size_t i = 0; i < sequential->folds.size(); ++i) {
    EXPECT_EQ(side_by_side->folds[i].train_rows, sequential->folds[i].train_rows);
    EXPECT_DOUBLE_EQ(side_by_side->folds[i].model.mae, sequential->folds[i].model.mae) << "fold row " << i;
  }
  EXPECT_DOUBLE_EQ(side_by_side->overall_model.wape, sequential->overall_model.wape);
  EXPECT_LT(side_by_side->overall_model.wape, side_by_side->overall_seasonal_naive.wape);
}

TEST_F(BacktestTest, RejectsTooManyFolds) {
  BacktestSpec spec;
  spec.folds = 40;
  auto report = RunBacktest(*panel_, builder_, spec, [] { return CreateModel("ridge"); });
  EXPECT_TRUE(report.status().IsInvalidArgument());
}

}  // namespace
}  // namespace medallion::ml
