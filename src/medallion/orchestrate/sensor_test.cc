#include "medallion/orchestrate/sensor.h"

#include <arrow/api.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "medallion/delta/table.h"
#include "medallion/orchestrate/test_support.h"

namespace medallion::orchestrate {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

class SensorTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::ScratchDir("sensor_test"); }
  void TearDown() override { fs::remove_all(dir_); }

  std::string lake() const { return (dir_ / "lake").string(); }

  std::shared_ptr<delta::Table> CreateTable(const std::string& relative) {
    auto store = storage::OpenObjectStore((dir_ / "lake" / relative).string());
    EXPECT_TRUE(store.ok());
    delta::CreateOptions options;
    options.schema = arrow::schema({arrow::field("id", arrow::int64())});
    auto table = delta::Table::Create(*store, options);
    EXPECT_TRUE(table.ok()) << table.status();
    return *table;
  }

  static void AppendRow(delta::Table& table, int64_t id) {
    arrow::Int64Builder ids;
    ASSERT_TRUE(ids.Append(id).ok());
    auto data = arrow::Table::Make(arrow::schema({arrow::field("id", arrow::int64())}), {ids.Finish().ValueOrDie()});
    ASSERT_TRUE(table.Append(data).ok());
  }

  static SensorOptions Fast(int timeout_ms) {
    SensorOptions options;
    options.poke_interval = std::chrono::milliseconds(5);
    options.timeout = std::chrono::milliseconds(timeout_ms);
    return options;
  }

  fs::path dir_;
};

TEST_F(SensorTest, TimesOutWhileTheTableIsMissingThenFiresOnceItReachesTheVersion) {
  testing::StandaloneContext ctx(lake());
  auto sensor = MakeSensor("bronze/orders at version 1", DeltaTableReachedVersion("bronze/orders", 1), Fast(30));
  Status missing = sensor(ctx.context);
  EXPECT_EQ(missing.code(), StatusCode::kTimeout);
  EXPECT_THAT(missing.message(), HasSubstr("bronze/orders at version 1"));

  auto table = CreateTable("bronze/orders");
  EXPECT_EQ(sensor(ctx.context).code(), StatusCode::kTimeout);  // version 0 < 1

  // The condition comes true while the sensor is waiting.
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    AppendRow(*table, 1);
  });
  auto waiting = MakeSensor("bronze/orders at version 1", DeltaTableReachedVersion("bronze/orders", 1), Fast(20000));
  Status st = waiting(ctx.context);
  writer.join();
  EXPECT_TRUE(st.ok()) << st;
}

TEST_F(SensorTest, NewVersionSensorFiresOncePerNewVersion) {
  testing::StandaloneContext ctx(lake());
  auto table = CreateTable("silver/orders");
  auto sensor = MakeSensor("new silver/orders", DeltaTableHasNewVersion("silver/orders"), Fast(30));
  ASSERT_TRUE(sensor(ctx.context).ok());  // first run: any version is new
  EXPECT_EQ(sensor(ctx.context).code(), StatusCode::kTimeout);
  AppendRow(*table, 7);
  EXPECT_TRUE(sensor(ctx.context).ok());
  EXPECT_EQ(ctx.state.values.begin()->second, "1");
  EXPECT_EQ(sensor(ctx.context).code(), StatusCode::kTimeout);
}

TEST_F(SensorTest, CancellationStopsAWaitingSensor) {
  testing::StandaloneContext ctx(lake());
  auto sensor = MakeSensor("never", [](const TaskContext&) -> Result<bool> { return false; }, Fast(60000));
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ctx.cancel.Cancel("timeout: test");
  });
  Status st = sensor(ctx.context);
  canceller.join();
  EXPECT_EQ(st.code(), StatusCode::kCancelled);
  EXPECT_EQ(st.message(), "timeout: test");
}

TEST_F(SensorTest, PokeErrorsEndTheTryAtOnce) {
  testing::StandaloneContext ctx(lake());
  int pokes = 0;
  auto sensor = MakeSensor(
      "broken", [&](const TaskContext&) -> Result<bool> { return ++pokes < 3 ? Result<bool>(false) : Status::Corruption("bad log"); },
      Fast(60000));
  EXPECT_EQ(sensor(ctx.context).code(), StatusCode::kCorruption);
  EXPECT_EQ(pokes, 3);
}

TEST_F(SensorTest, RelativeTablesResolveUnderTheLake) {
  testing::StandaloneContext ctx("s3://bucket/lake");
  EXPECT_EQ(ResolveTableUri(ctx.context, "bronze/orders"), "s3://bucket/lake/bronze/orders");
  EXPECT_EQ(ResolveTableUri(ctx.context, "/data/t"), "/data/t");
  EXPECT_EQ(ResolveTableUri(ctx.context, "file:///data/t"), "file:///data/t");
}

}  // namespace
}  // namespace medallion::orchestrate
