// The registry routes and the champion watcher on a real ml::Registry in a
// temporary lake, with small ridge models (fast to fit, real files).
#include "medallion/serve/models_routes.h"

#include <gtest/gtest.h>

#include "medallion/ml/feature_matrix.h"
#include "medallion/ml/model.h"
#include "medallion/serve/champion_watcher.h"
#include "medallion/serve/test_lake.h"

namespace medallion::serve {
namespace {

using Json = nlohmann::json;
constexpr const char* kToken = "Bearer models-test-token";

class ModelRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto models = ModelCatalog::Open(lake_.path(), ml::PromotionGate{}, lake_ / "cache");
    ASSERT_TRUE(models.ok()) << models.status();
    models_ = *models;
    router_ = std::make_shared<Router>(AdminAuth("models-test-token"));
    ASSERT_TRUE(AddModelRoutes(*router_, models_).ok());
  }

  // Fits y = slope * x and registers it with the given backtest WAPE.
  int64_t Register(double slope, double wape) {
    auto model = ml::CreateModel("ridge", {{"alpha", 1e-6}});
    EXPECT_TRUE(model.ok());
    ml::FeatureMatrix x({"x"});
    std::vector<double> y;
    for (double v = 1; v <= 20; ++v) {
      EXPECT_TRUE(x.AppendRow(std::vector<double>{v}).ok());
      y.push_back(slope * v);
    }
    EXPECT_TRUE((*model)->Fit(x, y).ok());
    std::string file = lake_ / ("model-" + std::to_string(++files_) + ".json");
    EXPECT_TRUE(ml::SaveModelFile(**model, file).ok());
    auto registry = ml::Registry::Open(lake_.path());
    EXPECT_TRUE(registry.ok());
    ml::ModelVersion draft;
    draft.name = "demand";
    draft.kind = "ridge";
    draft.features = {"x"};
    draft.metrics_json = Json({{"overall", {{"wape", wape}}}, {"seasonal_naive", {{"overall", {{"wape", 1.0}}}}}}).dump();
    auto registered = registry->Register(draft, file);
    EXPECT_TRUE(registered.ok()) << registered.status();
    return registered.ok() ? registered->version : -1;
  }

  testing::Reply Post(const std::string& path, const std::string& body, const std::string& auth = kToken) {
    return testing::Call(*router_, Method::kPost, path, body, auth);
  }

  testing::TempLake lake_;
  std::shared_ptr<ModelCatalog> models_;
  std::shared_ptr<Router> router_;
  int files_ = 0;
};

TEST_F(ModelRoutesTest, PromoteThroughTheGateAndRollBack) {
  ASSERT_EQ(Register(2.0, 0.5), 1);
  EXPECT_EQ(Post("/api/v1/models/demand/promote", "{}", "").status, 401);
  EXPECT_EQ(Post("/api/v1/models/demand/promote", "{}", "Bearer nope").status, 403);
  EXPECT_EQ(Post("/api/v1/models/demand/promote", "{\"version\": \"1\"}").body["error"]["field"], "version");
  EXPECT_EQ(Post("/api/v1/models/demand/promote", "{oops").status, 400);
  EXPECT_EQ(Post("/api/v1/models/nope/promote", "{}").status, 404);

  auto first = Post("/api/v1/models/demand/promote", "");
  ASSERT_EQ(first.status, 200) << first.body.dump();
  EXPECT_EQ(first.body["champion"]["version"], 1);
  EXPECT_TRUE(first.body["previous_champion"].is_null());

  ASSERT_EQ(Register(3.0, 0.9), 2);  // worse than the champion
  auto refused = Post("/api/v1/models/demand/promote", "{}");
  EXPECT_EQ(refused.status, 409) << refused.body.dump();
  EXPECT_FALSE(refused.body["error"]["message"].get<std::string>().empty());

  ASSERT_EQ(Register(4.0, 0.3), 3);
  auto better = Post("/api/v1/models/demand/promote", "{\"version\": 3}");
  ASSERT_EQ(better.status, 200) << better.body.dump();
  EXPECT_EQ(better.body["previous_champion"], 1);

  Json model = testing::Get(*router_, "/api/v1/models/demand").body;
  EXPECT_EQ(model["champion"], 3);
  EXPECT_EQ(model["versions"].size(), 3u);
  EXPECT_EQ(testing::SchemaMismatch(testing::ResponseSchema(*router_, Method::kGet, "/api/v1/models/{name}"), model), "");
  EXPECT_EQ(model["versions"][2]["aliases"][0], "champion");
  EXPECT_TRUE(model["versions"][0]["aliases"].empty());
  EXPECT_DOUBLE_EQ(model["versions"][0]["metrics"]["overall"]["wape"].get<double>(), 0.5);

  auto rolled = Post("/api/v1/models/demand/rollback", "");
  ASSERT_EQ(rolled.status, 200) << rolled.body.dump();
  EXPECT_EQ(rolled.body["champion"]["version"], 1);
  Json list = testing::Get(*router_, "/api/v1/models").body;
  ASSERT_EQ(list["models"].size(), 1u);
  EXPECT_EQ(list["models"][0]["name"], "demand");
  EXPECT_EQ(list["models"][0]["versions"], 3);
  EXPECT_EQ(list["models"][0]["latest_version"], 3);
  EXPECT_EQ(list["models"][0]["champion"], 1);
  EXPECT_EQ(testing::Get(*router_, "/api/v1/models/nope").status, 404);
}

TEST_F(ModelRoutesTest, WatcherLoadsTheChampionAndSwapsItOnPromotion) {
  auto slot = std::make_shared<PredictorSlot>();
  ChampionWatcher watcher(models_, slot, {"demand", std::chrono::milliseconds(10)});
  ASSERT_TRUE(watcher.CheckNow().ok());
  EXPECT_EQ(slot->Get(), nullptr);  // nothing registered yet

  ASSERT_EQ(Register(2.0, 0.5), 1);
  ASSERT_TRUE(watcher.CheckNow().ok());
  EXPECT_EQ(slot->Get(), nullptr);  // registered is not champion
  ASSERT_EQ(Post("/api/v1/models/demand/promote", "{}").status, 200);
  ASSERT_TRUE(watcher.CheckNow().ok());
  auto v1 = slot->Get();
  ASSERT_NE(v1, nullptr);
  EXPECT_EQ(v1->model().version, "1");
  FeatureMatrix row{1, 1, {10.0f}};
  EXPECT_NEAR((*v1->Predict(row))[0], 20.0, 0.01);

  ASSERT_EQ(Register(4.0, 0.3), 2);
  ASSERT_EQ(Post("/api/v1/models/demand/promote", "{}").status, 200);
  ASSERT_TRUE(watcher.CheckNow().ok());
  auto v2 = slot->Get();
  EXPECT_EQ(v2->model().version, "2");
  EXPECT_NEAR((*v2->Predict(row))[0], 40.0, 0.01);
  EXPECT_NEAR((*v1->Predict(row))[0], 20.0, 0.01);  // a request holding v1 still finishes with v1
  EXPECT_EQ(watcher.loaded_version(), 2);
}

}  // namespace
}  // namespace medallion::serve
