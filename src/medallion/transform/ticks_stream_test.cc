#include <arrow/api.h>
#include <gtest/gtest.h>

#include <cmath>

#include "medallion/ingest/ticks_generator.h"
#include "medallion/transform/stream_runner.h"
#include "medallion/transform/stream_test_support.h"
#include "medallion/transform/ticks_features.h"
#include "medallion/transform/ticks_gold.h"
#include "medallion/transform/ticks_silver.h"

namespace medallion::transform {
namespace {

using testing::ReadDelta;
using testing::SortedRows;
using testing::TempLake;

constexpr int32_t kFirstDay = 19877;  // 2024-06-03, a Monday
constexpr int64_t kIngest = (int64_t{kFirstDay} + 10) * 86'400'000'000LL;

std::vector<ingest::KafkaRecord> TickDay(ingest::TicksGenerator& generator, int32_t day) {
  std::vector<ingest::KafkaRecord> out;
  for (const auto& t : generator.Day(day)) out.push_back(generator.Encode(t));
  return out;
}

ingest::TicksGenerator Generator() {
  ingest::TicksOptions options;
  options.symbols = {"AAA", "BBB", "CCC"};
  options.mean_tick_interval_ms = 240'000;  // ~100 ticks per symbol and day
  return ingest::TicksGenerator(options);
}

TEST(TicksSilverTest, ParsesTicksAndQuarantinesEverythingElseWithTheRule) {
  std::vector<RuleFailure> failures;
  auto tick = ParseTick(R"({"symbol":"AAA","ts":"2024-06-03T14:30:00.000Z","price":101.5,"volume":300})", &failures);
  EXPECT_TRUE(failures.empty());
  EXPECT_EQ(tick.symbol, "AAA");
  EXPECT_DOUBLE_EQ(tick.price, 101.5);
  EXPECT_EQ(tick.volume, 300);
  EXPECT_EQ(tick.ts_us, (int64_t{kFirstDay} * 86400 + 14 * 3600 + 1800) * 1'000'000);

  auto rules_of = [](const std::string& value) {
    std::vector<RuleFailure> f;
    ParseTick(value, &f);
    std::set<std::string> rules;
    for (const auto& r : f) rules.insert(r.rule);
    return rules;
  };
  EXPECT_EQ(rules_of("{\"symbol\":"), std::set<std::string>{"json_syntax"});
  EXPECT_EQ(rules_of("[1,2]"), std::set<std::string>{"json_object"});
  EXPECT_EQ(rules_of(R"({"symbol":"AAA","ts":"2024-06-03T14:30:00","price":1,"volume":1})"),
            std::set<std::string>{"schema_timestamp_format"});
  EXPECT_EQ(rules_of(R"({"symbol":"AAA","ts":"2024-06-03T14:30:00Z","price":-1,"volume":1.5})"),
            std::set<std::string>{"schema_field_type"});
  EXPECT_EQ(rules_of(R"({"symbol":"AAA","ts":"2024-06-03T14:30:00Z","price":1})"),
            std::set<std::string>{"schema_required_field"});
  EXPECT_EQ(rules_of(R"({"symbol":"AAA","ts":"2024-06-03T14:30:00Z","price":1,"volume":1,"x":2})"),
            std::set<std::string>{"schema_known_fields"});
}

TEST(TicksSilverTest, JobConsumesBronzeOnceAndQuarantinesBadValues) {
  TempLake lake("ticks_silver");
  auto generator = Generator();
  auto day = TickDay(generator, kFirstDay);
  day.push_back(ingest::KafkaRecord{});
  day.back().value = "not json";
  lake.AppendBronze("ticks", day, kIngest);
  auto job = TicksSilverJob::Open(lake.path("bronze/ticks"), lake.path("silver/ticks"));
  ASSERT_TRUE(job.ok()) << job.status();
  TicksSilverStats stats;
  ASSERT_TRUE(*(*job)->RunBatch(&stats));
  EXPECT_FALSE(*(*job)->RunBatch(&stats));
  // A second process finds nothing left.
  auto again = TicksSilverJob::Open(lake.path("bronze/ticks"), lake.path("silver/ticks"));
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*(*again)->RunBatch(&stats));
  EXPECT_EQ(ReadDelta(lake.path("silver/ticks"))->num_rows(), static_cast<int64_t>(day.size()) - 1);
  auto quarantine = ReadDelta(lake.path("silver/ticks_quarantine"));
  ASSERT_EQ(quarantine->num_rows(), 1);
  EXPECT_NE(quarantine->GetColumnByName("quarantine_reason")->GetScalar(0).ValueOrDie()->ToString().find("json_syntax"),
            std::string::npos);
}

// tick_features built trigger by trigger (a day at a time, some days in two
// halves) equals TickFeatures over all ticks at once.
TEST(TicksStreamTest, IncrementalTickFeaturesEqualTheFullRecompute) {
  TempLake lake("ticks_stream");
  StreamOptions options;
  options.lake_uri = lake.uri();
  options.entities = {"ticks"};
  options.status_interval_ms = 0;
  auto runner = StreamRunner::Open(options);
  ASSERT_TRUE(runner.ok()) << runner.status();
  auto generator = Generator();
  for (int d = 0; d < 5; ++d) {
    auto day = TickDay(generator, kFirstDay + d);
    ASSERT_FALSE(day.empty());
    const size_t half = d % 2 == 0 ? day.size() / 2 : day.size();
    lake.AppendBronze("ticks", {day.begin(), day.begin() + half}, kIngest);
    ASSERT_TRUE((*runner)->RunOnce().ok());
    if (half < day.size()) {
      lake.AppendBronze("ticks", {day.begin() + half, day.end()}, kIngest);
      ASSERT_TRUE((*runner)->RunOnce().ok());
    }
  }
  auto silver = ReadDelta(lake.path("silver/ticks"));
  auto expected = TickFeatures(silver);
  ASSERT_TRUE(expected.ok()) << expected.status();
  auto streamed = ReadDelta(lake.path("gold/tick_features"));
  ASSERT_TRUE(streamed);
  ASSERT_EQ(streamed->num_rows(), (*expected)->num_rows());
  auto columns = (*expected)->schema()->field_names();
  EXPECT_EQ(SortedRows(*streamed, columns), SortedRows(**expected, columns));
  // next_direction is filled for all but each symbol's last tick.
  auto direction = streamed->GetColumnByName("next_direction");
  EXPECT_EQ(direction->null_count(), 3);

  // The batch recompute writes the same rows and is idempotent.
  auto silver_table = delta::Table::Open(lake.path("silver/ticks"));
  ASSERT_TRUE(silver_table.ok());
  for (int i = 0; i < 2; ++i) {
    auto batch = UpdateTickFeatures(**silver_table, lake.uri(), /*all_dates=*/true);
    ASSERT_TRUE(batch.ok()) << batch.status();
    auto again = ReadDelta(lake.path("gold/tick_features"));
    EXPECT_EQ(SortedRows(*again, columns), SortedRows(**expected, columns));
  }
}

TEST(TicksStreamTest, ShortLookbackStaysCloseToTheFullHistory) {
  TempLake lake("ticks_lookback");
  auto generator = Generator();
  for (int d = 0; d < 5; ++d) lake.AppendBronze("ticks", TickDay(generator, kFirstDay + d), kIngest);
  auto job = TicksSilverJob::Open(lake.path("bronze/ticks"), lake.path("silver/ticks"));
  ASSERT_TRUE(job.ok());
  TicksSilverStats stats;
  while (*(*job)->RunBatch(&stats)) {
  }
  auto silver = delta::Table::Open(lake.path("silver/ticks"));
  ASSERT_TRUE(silver.ok());
  const int32_t last = kFirstDay + 4;
  auto tail = TickFeaturesForDates(**silver, *(*silver)->snapshot(), last, last, /*lookback_ticks=*/150);
  ASSERT_TRUE(tail.ok()) << tail.status();
  auto full = TickFeatures(ReadDelta(lake.path("silver/ticks")));
  ASSERT_TRUE(full.ok());
  // Index the full result by (symbol, ts).
  std::map<std::pair<std::string, int64_t>, double> full_macd;
  auto symbols = *ReadString(**full, "symbol");
  auto ts = *ReadInt64(**full, "ts");
  auto macd = *ReadDouble(**full, "macd");
  for (size_t i = 0; i < symbols.size(); ++i) full_macd[{symbols[i], ts[i]}] = macd[i];
  auto tail_symbols = *ReadString(**tail, "symbol");
  auto tail_ts = *ReadInt64(**tail, "ts");
  auto tail_macd = *ReadDouble(**tail, "macd");
  ASSERT_GT(tail_symbols.size(), 0u);
  for (size_t i = 0; i < tail_symbols.size(); ++i) {
    EXPECT_NEAR(tail_macd[i], full_macd.at({tail_symbols[i], tail_ts[i]}), 1e-4);
  }
}

}  // namespace
}  // namespace medallion::transform
