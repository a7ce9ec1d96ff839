#include "medallion/ml/promotion.h"

#include <gtest/gtest.h>

namespace medallion::ml {
namespace {

ModelVersion WithMetrics(int64_t version, std::string metrics) {
  ModelVersion v;
  v.name = "demand";
  v.version = version;
  v.kind = "xgboost";
  v.metrics_json = std::move(metrics);
  return v;
}

TEST(PromotionTest, ReadsWapeFromEitherShape) {
  EXPECT_EQ(OverallWape(R"({"overall":{"wape":0.25},"wape":9})"), 0.25);
  EXPECT_EQ(OverallWape(R"({"wape":0.5})"), 0.5);
  EXPECT_FALSE(OverallWape(R"({"overall":{"mae":3}})").has_value());
  EXPECT_FALSE(OverallWape("not json").has_value());
  EXPECT_EQ(SeasonalNaiveWape(R"({"seasonal_naive":{"overall":{"wape":0.4}}})"), 0.4);
  EXPECT_EQ(SeasonalNaiveWape(R"({"seasonal_naive":{"wape":0.3}})"), 0.3);
  EXPECT_FALSE(SeasonalNaiveWape(R"({"overall":{"wape":0.3}})").has_value());
}

TEST(PromotionTest, MarginIsRelativeToBothBaselines) {
  const std::string naive = R"("seasonal_naive":{"overall":{"wape":0.50}})";
  ModelVersion champion = WithMetrics(1, R"({"overall":{"wape":0.20},)" + naive + "}");
  PromotionGate gate{.margin = 0.10};
  // Needs <= 0.18 against the champion.
  EXPECT_TRUE(EvaluateGate(WithMetrics(2, R"({"overall":{"wape":0.179},)" + naive + "}"), champion, gate).passed);
  GateVerdict refused = EvaluateGate(WithMetrics(2, R"({"overall":{"wape":0.181},)" + naive + "}"), champion, gate);
  EXPECT_FALSE(refused.passed);
  EXPECT_NE(refused.reason.find("0.1810"), std::string::npos) << refused.reason;
  EXPECT_NE(refused.reason.find("0.2000"), std::string::npos) << refused.reason;
  EXPECT_NE(refused.reason.find("10%"), std::string::npos) << refused.reason;
  // Without a champion only seasonal naive (needs <= 0.45) counts.
  EXPECT_TRUE(EvaluateGate(WithMetrics(2, R"({"overall":{"wape":0.44},)" + naive + "}"), std::nullopt, gate).passed);
  GateVerdict naive_wins = EvaluateGate(WithMetrics(2, R"({"overall":{"wape":0.46},)" + naive + "}"), std::nullopt, gate);
  EXPECT_FALSE(naive_wins.passed);
  EXPECT_NE(naive_wins.reason.find("seasonal naive WAPE 0.5000"), std::string::npos) << naive_wins.reason;
}

TEST(PromotionTest, MissingMetricsAreRefusedWithTheFieldNamed) {
  GateVerdict no_wape = EvaluateGate(WithMetrics(2, "{}"), std::nullopt, PromotionGate{});
  EXPECT_FALSE(no_wape.passed);
  EXPECT_NE(no_wape.reason.find("metrics.overall.wape"), std::string::npos);
  GateVerdict no_naive = EvaluateGate(WithMetrics(2, R"({"overall":{"wape":0.1}})"), std::nullopt, PromotionGate{});
  EXPECT_FALSE(no_naive.passed);
  EXPECT_NE(no_naive.reason.find("seasonal_naive"), std::string::npos);
  GateVerdict champion_without =
      EvaluateGate(WithMetrics(2, R"({"overall":{"wape":0.1},"seasonal_naive":{"wape":0.5}})"), WithMetrics(1, "{}"),
                   PromotionGate{});
  EXPECT_FALSE(champion_without.passed);
  EXPECT_NE(champion_without.reason.find("--force"), std::string::npos);
}

}  // namespace
}  // namespace medallion::ml
