#include "medallion/ml/registry.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "medallion/delta/table.h"
#include "medallion/ml/registry_events.h"
#include "medallion/ml/registry_history.h"

namespace medallion::ml {
namespace {

namespace fs = std::filesystem;

class RegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("medallion-registry-test-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
    lake_ = (root_ / "lake").string();
  }
  void TearDown() override { fs::remove_all(root_); }

  Registry Open() {
    auto registry = Registry::Open(lake_);
    EXPECT_TRUE(registry.ok()) << registry.status();
    return std::move(registry).value();
  }

  std::string WriteModelFile(const std::string& contents) {
    auto path = root_ / ("model-" + std::to_string(files_++) + ".json");
    std::ofstream(path) << contents;
    return path.string();
  }

  // Registers a version of `name` whose backtest WAPE is `wape` against a
  // seasonal naive WAPE of `naive`.
  ModelVersion RegisterWithWape(Registry& registry, const std::string& name, double wape, double naive = 0.5) {
    ModelVersion draft;
    draft.name = name;
    draft.kind = "xgboost";
    draft.features = {"lag_7", "dow"};
    draft.params_json = R"({"max_depth":4})";
    draft.trained_on_table = "gold/features_daily";
    draft.trained_on_version = 12;
    draft.metrics_json = nlohmann::json{{"overall", {{"wape", wape}}}, {"seasonal_naive", {{"overall", {{"wape", naive}}}}}}
                             .dump();
    auto registered = registry.Register(draft, WriteModelFile("{\"wape\":" + std::to_string(wape) + "}"));
    EXPECT_TRUE(registered.ok()) << registered.status();
    return registered.ok() ? *registered : ModelVersion{};
  }

  std::optional<int64_t> ChampionVersion(const Registry& registry, const std::string& name) {
    auto champion = registry.Alias(name, kChampionAlias);
    EXPECT_TRUE(champion.ok()) << champion.status();
    return champion.ok() && champion->has_value() ? std::optional<int64_t>((*champion)->version) : std::nullopt;
  }

  fs::path root_;
  std::string lake_;
  int files_ = 0;
};

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST_F(RegistryTest, EmptyLakeHasNoVersionsAndNoTable) {
  Registry registry = Open();
  auto versions = registry.List();
  ASSERT_TRUE(versions.ok()) << versions.status();
  EXPECT_TRUE(versions->empty());
  EXPECT_EQ(registry.TableVersion(), -1);
  EXPECT_FALSE(ChampionVersion(registry, "demand").has_value());
  EXPECT_FALSE(fs::exists(lake_));
  EXPECT_TRUE(registry.Get("demand", 1).status().IsNotFound());
}

TEST_F(RegistryTest, RegisterAssignsVersionsCopiesFilesAndPointsChallenger) {
  Registry registry = Open();
  ModelVersion first = RegisterWithWape(registry, "demand", 0.30);
  ModelVersion second = RegisterWithWape(registry, "demand", 0.25);
  RegisterWithWape(registry, "ticks", 0.40);
  EXPECT_EQ(first.version, 1);
  EXPECT_EQ(second.version, 2);
  EXPECT_GT(second.created_at_us, 0);
  EXPECT_EQ(second.uri, "file://" + (fs::path(lake_) / "_models/demand/2").string());

  const fs::path dir = fs::path(lake_) / "_models/demand/2";
  EXPECT_EQ(ReadFile(dir / "model.json"), ReadFile(root_ / "model-1.json"));
  auto meta = nlohmann::json::parse(ReadFile(dir / "meta.json"));
  EXPECT_EQ(meta["version"], 2);
  EXPECT_EQ(meta["trained_on_table"], "gold/features_daily");
  EXPECT_EQ(meta["metrics"]["overall"]["wape"], 0.25);

  // A fresh process sees the same registry.
  Registry reopened = Open();
  auto all = reopened.List();
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), 3u);
  auto demand = reopened.List("demand");
  ASSERT_TRUE(demand.ok());
  ASSERT_EQ(demand->size(), 2u);
  auto got = reopened.Get("demand", 2);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->kind, "xgboost");
  EXPECT_EQ(got->features, (std::vector<std::string>{"lag_7", "dow"}));
  EXPECT_EQ(got->params_json, R"({"max_depth":4})");
  EXPECT_EQ(got->trained_on_version, 12);
  EXPECT_EQ(got->metrics_json, second.metrics_json);
  EXPECT_EQ(got->created_at_us, second.created_at_us);
  auto challenger = reopened.Alias("demand", kChallengerAlias);
  ASSERT_TRUE(challenger.ok());
  ASSERT_TRUE(challenger->has_value());
  EXPECT_EQ((*challenger)->version, 2);
  EXPECT_FALSE(ChampionVersion(reopened, "demand").has_value());
  EXPECT_GE(reopened.TableVersion(), 2);
}

TEST_F(RegistryTest, RejectsBadNamesAndMissingFiles) {
  Registry registry = Open();
  ModelVersion draft;
  draft.name = "../escape";
  draft.kind = "ridge";
  EXPECT_TRUE(registry.Register(draft, WriteModelFile("{}")).status().IsInvalidArgument());
  draft.name = "demand";
  EXPECT_TRUE(registry.Register(draft, (root_ / "absent.json").string()).status().IsNotFound());
  EXPECT_TRUE(registry.Alias("demand", "best").status().IsInvalidArgument());
}

TEST_F(RegistryTest, FirstPromotionMustBeatSeasonalNaive) {
  Registry registry = Open();
  RegisterWithWape(registry, "demand", 0.495, /*naive=*/0.5);
  auto refused = registry.Promote("demand", std::nullopt, PromotionGate{});
  ASSERT_TRUE(refused.ok()) << refused.status();
  EXPECT_FALSE(refused->promoted);
  EXPECT_NE(refused->reason.find("0.4950"), std::string::npos) << refused->reason;
  EXPECT_NE(refused->reason.find("seasonal naive WAPE 0.5000"), std::string::npos) << refused->reason;
  EXPECT_FALSE(ChampionVersion(registry, "demand").has_value());

  RegisterWithWape(registry, "demand", 0.40, 0.5);
  auto promoted = registry.Promote("demand", std::nullopt, PromotionGate{});
  ASSERT_TRUE(promoted.ok()) << promoted.status();
  EXPECT_TRUE(promoted->promoted) << promoted->reason;
  EXPECT_EQ(promoted->candidate.version, 2);
  EXPECT_FALSE(promoted->previous_champion.has_value());
  EXPECT_EQ(ChampionVersion(registry, "demand"), 2);
}

TEST_F(RegistryTest, GateRefusesWorseChallengerAndPromotesBetterOne) {
  Registry registry = Open();
  RegisterWithWape(registry, "demand", 0.20);
  ASSERT_TRUE(registry.Promote("demand", 1, PromotionGate{})->promoted);

  // 0.199 is better than 0.20, but not by the 2% margin.
  RegisterWithWape(registry, "demand", 0.199);
  auto refused = registry.Promote("demand", std::nullopt, PromotionGate{.margin = 0.02});
  ASSERT_TRUE(refused.ok()) << refused.status();
  EXPECT_FALSE(refused->promoted);
  EXPECT_NE(refused->reason.find("WAPE 0.1990"), std::string::npos) << refused->reason;
  EXPECT_NE(refused->reason.find("champion version 1 WAPE 0.2000"), std::string::npos) << refused->reason;
  ASSERT_TRUE(refused->previous_champion.has_value());
  EXPECT_EQ(refused->previous_champion->version, 1);
  EXPECT_EQ(ChampionVersion(registry, "demand"), 1);

  // With no margin the same challenger passes.
  auto no_margin = registry.Promote("demand", 2, PromotionGate{.margin = 0});
  ASSERT_TRUE(no_margin.ok());
  EXPECT_TRUE(no_margin->promoted) << no_margin->reason;

  RegisterWithWape(registry, "demand", 0.15);
  auto promoted = registry.Promote("demand", std::nullopt, PromotionGate{});
  ASSERT_TRUE(promoted.ok()) << promoted.status();
  EXPECT_TRUE(promoted->promoted) << promoted->reason;
  EXPECT_EQ(promoted->previous_champion->version, 2);
  EXPECT_EQ(ChampionVersion(Open(), "demand"), 3);

  auto again = registry.Promote("demand", 3, PromotionGate{});
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->promoted);
  EXPECT_NE(again->reason.find("already the champion"), std::string::npos);
}

TEST_F(RegistryTest, ForcePromotesPastTheGate) {
  Registry registry = Open();
  RegisterWithWape(registry, "demand", 0.20);
  ASSERT_TRUE(registry.Promote("demand", 1, PromotionGate{})->promoted);
  RegisterWithWape(registry, "demand", 0.60);
  auto forced = registry.Promote("demand", std::nullopt, PromotionGate{}, /*force=*/true);
  ASSERT_TRUE(forced.ok()) << forced.status();
  EXPECT_TRUE(forced->promoted);
  EXPECT_NE(forced->reason.find("forced"), std::string::npos);
  EXPECT_EQ(ChampionVersion(registry, "demand"), 2);
}

TEST_F(RegistryTest, RollbackRestoresThePreviousChampions) {
  Registry registry = Open();
  for (double wape : {0.30, 0.20, 0.10}) {
    ModelVersion v = RegisterWithWape(registry, "demand", wape);
    ASSERT_TRUE(registry.Promote("demand", v.version, PromotionGate{})->promoted);
  }
  EXPECT_EQ(ChampionVersion(registry, "demand"), 3);
  auto back = registry.Rollback("demand");
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->version, 2);
  EXPECT_EQ(ChampionVersion(Open(), "demand"), 2);
  ASSERT_TRUE(registry.Rollback("demand").ok());
  EXPECT_EQ(ChampionVersion(registry, "demand"), 1);
  EXPECT_TRUE(registry.Rollback("demand").status().IsInvalidArgument());
  EXPECT_EQ(ChampionVersion(registry, "demand"), 1);
  EXPECT_TRUE(registry.Rollback("nothing").status().IsNotFound());
}

TEST_F(RegistryTest, ConcurrentPromotionsLeaveExactlyOneChampion) {
  for (int round = 0; round < 4; ++round) {
    const std::string name = "demand" + std::to_string(round);
    Registry setup = Open();
    RegisterWithWape(setup, name, 0.30);
    ASSERT_TRUE(setup.Promote(name, 1, PromotionGate{})->promoted);
    // Two challengers, each better than the champion, equal to each other:
    // whichever commits second must lose against the new champion.
    RegisterWithWape(setup, name, 0.20);
    RegisterWithWape(setup, name, 0.20);

    std::atomic<int> ready{0};
    std::vector<std::optional<PromotionDecision>> decisions(2);
    std::vector<std::thread> threads;
    for (int i = 0; i < 2; ++i) {
      threads.emplace_back([&, i] {
        Registry own = Open();  // separate objects: separate snapshots, like two processes
        ready.fetch_add(1);
        while (ready.load() < 2) std::this_thread::yield();
        auto decision = own.Promote(name, 2 + i, PromotionGate{});
        ASSERT_TRUE(decision.ok()) << decision.status();
        decisions[i] = *decision;
      });
    }
    for (auto& t : threads) t.join();
    ASSERT_TRUE(decisions[0] && decisions[1]);
    EXPECT_EQ(decisions[0]->promoted + decisions[1]->promoted, 1)
        << decisions[0]->reason << " / " << decisions[1]->reason;
    const int64_t winner = decisions[0]->promoted ? 2 : 3;
    EXPECT_EQ(ChampionVersion(Open(), name), winner);
    // Exactly one promotion on top of the first, and the rollback goes to v1.
    Registry check = Open();
    auto back = check.Rollback(name);
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(back->version, 1);
  }
}

TEST_F(RegistryTest, ConcurrentRegistrationsGetDistinctVersions) {
  constexpr int kThreads = 4;
  std::vector<int64_t> versions(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    std::string file = WriteModelFile("{\"thread\":" + std::to_string(i) + "}");
    threads.emplace_back([&, i, file] {
      Registry own = Open();
      ModelVersion draft;
      draft.name = "demand";
      draft.kind = "ridge";
      auto registered = own.Register(draft, file);
      ASSERT_TRUE(registered.ok()) << registered.status();
      versions[i] = registered->version;
    });
  }
  for (auto& t : threads) t.join();
  std::sort(versions.begin(), versions.end());
  EXPECT_EQ(versions, (std::vector<int64_t>{1, 2, 3, 4}));
  auto listed = Open().List("demand");
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_EQ(listed->size(), 4u);
}

TEST_F(RegistryTest, TableVersionFollowsOtherWriters) {
  Registry reader = Open();
  Registry writer = Open();
  ASSERT_TRUE(reader.Refresh().ok());
  EXPECT_EQ(reader.TableVersion(), -1);
  RegisterWithWape(writer, "demand", 0.2);
  ASSERT_TRUE(reader.Refresh().ok());
  const int64_t after_register = reader.TableVersion();
  EXPECT_EQ(after_register, writer.TableVersion());
  ASSERT_TRUE(writer.Promote("demand", 1, PromotionGate{})->promoted);
  ASSERT_TRUE(reader.Refresh().ok());
  EXPECT_GT(reader.TableVersion(), after_register);
}

TEST_F(RegistryTest, LocalModelFileIsTheLakeFileOnALocalLake) {
  Registry registry = Open();
  ModelVersion v = RegisterWithWape(registry, "demand", 0.2);
  auto path = registry.LocalModelFile(v, (root_ / "cache").string());
  ASSERT_TRUE(path.ok()) << path.status();
  EXPECT_EQ(ReadFile(*path), ReadFile(root_ / "model-0.json"));
  EXPECT_FALSE(fs::exists(root_ / "cache"));
}

TEST_F(RegistryTest, RegistryTableIsAnOrdinaryDeltaTable) {
  Registry registry = Open();
  RegisterWithWape(registry, "demand", 0.2);
  ASSERT_TRUE(registry.Promote("demand", 1, PromotionGate{})->promoted);
  auto table = delta::Table::Open((fs::path(lake_) / "_models/registry").string());
  ASSERT_TRUE(table.ok()) << table.status();
  auto snapshot = (*table)->snapshot();
  EXPECT_EQ(snapshot->num_rows(), 2);
  EXPECT_EQ(snapshot->TxnVersion(RegistryAppId("demand")), 2);
}

TEST(RegistryReplayTest, GapsInSequenceAreCorruption) {
  RegistryEvent registered;
  registered.name = "demand";
  registered.seq = 1;
  registered.event = kRegisterEvent;
  registered.version = 1;
  registered.registered = ModelVersion{};
  registered.registered->name = "demand";
  registered.registered->version = 1;
  RegistryEvent promoted = registered;
  promoted.seq = 3;
  promoted.event = kPromoteEvent;
  promoted.registered.reset();
  EXPECT_EQ(ReplayEvents({registered, promoted}).status().code(), StatusCode::kCorruption);
  promoted.seq = 2;
  auto histories = ReplayEvents({promoted, registered});
  ASSERT_TRUE(histories.ok()) << histories.status();
  EXPECT_EQ(histories->at("demand").champion(), 1);
}

TEST(RegistryEventsTest, ArrowRoundTripKeepsEveryField) {
  RegistryEvent e;
  e.name = "demand";
  e.seq = 4;
  e.event = kRegisterEvent;
  e.alias = kChallengerAlias;
  e.version = 3;
  e.registered = ModelVersion{.name = "demand", .version = 3, .kind = "xgboost", .uri = "s3://b/_models/demand/3",
                              .features = {"a", "b"}, .params_json = "{\"eta\":0.1}", .trained_on_table = "gold/x",
                              .trained_on_version = 9, .metrics_json = "{}", .created_at_us = 1234};
  e.created_at_us = 1234;
  e.reason = "registered";
  e.actor = "me@host";
  RegistryEvent alias = e;
  alias.event = kPromoteEvent;
  alias.registered.reset();
  auto table = EventsToArrow({e, alias});
  ASSERT_TRUE(table.ok()) << table.status();
  auto back = EventsFromArrow(**table);
  ASSERT_TRUE(back.ok()) << back.status();
  ASSERT_EQ(back->size(), 2u);
  const RegistryEvent& r = (*back)[0];
  ASSERT_TRUE(r.registered.has_value());
  EXPECT_EQ(r.registered->uri, "s3://b/_models/demand/3");
  EXPECT_EQ(r.registered->features, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(r.registered->trained_on_version, 9);
  EXPECT_EQ(r.actor, "me@host");
  EXPECT_EQ(r.seq, 4);
  EXPECT_FALSE((*back)[1].registered.has_value());
  EXPECT_EQ((*back)[1].event, kPromoteEvent);
}

}  // namespace
}  // namespace medallion::ml
