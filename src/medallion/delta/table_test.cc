#include "medallion/delta/table.h"

#include <arrow/api.h>
#include <arrow/io/file.h>
#include <gtest/gtest.h>
#include <parquet/file_reader.h>

#include <filesystem>
#include <thread>

#include "medallion/delta/checkpoint.h"
#include "medallion/delta/log_replay.h"
#include "medallion/delta/schema.h"

namespace medallion::delta {
namespace {

namespace fs = std::filesystem;

class TableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("medallion_table_test_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    auto store = storage::OpenObjectStore(dir_.string());
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *store;
  }
  void TearDown() override { fs::remove_all(dir_); }

  static std::shared_ptr<arrow::Schema> Schema() {
    return arrow::schema({arrow::field("id", arrow::int64()), arrow::field("city", arrow::utf8()),
                          arrow::field("amount", arrow::float64())});
  }

  static std::shared_ptr<arrow::Table> Rows(int64_t first, int64_t n, const std::string& city) {
    arrow::Int64Builder ids;
    arrow::StringBuilder cities;
    arrow::DoubleBuilder amounts;
    for (int64_t i = 0; i < n; ++i) {
      EXPECT_TRUE(ids.Append(first + i).ok());
      EXPECT_TRUE(cities.Append(city).ok());
      EXPECT_TRUE((i % 5 == 0 ? amounts.AppendNull() : amounts.Append(static_cast<double>(first + i) / 2)).ok());
    }
    return arrow::Table::Make(Schema(), {ids.Finish().ValueOrDie(), cities.Finish().ValueOrDie(),
                                         amounts.Finish().ValueOrDie()});
  }

  std::shared_ptr<Table> CreatePartitioned() {
    CreateOptions options;
    options.schema = Schema();
    options.partition_columns = {"city"};
    auto table = Table::Create(store_, options);
    EXPECT_TRUE(table.ok()) << table.status();
    return *table;
  }

  int64_t CountRows(const Snapshot& snapshot, const std::string& where = "") {
    ScanOptions options;
    options.filter = *ParsePredicate(where, *snapshot.schema());
    auto rows = ScanToTable(*store_, snapshot, options);
    EXPECT_TRUE(rows.ok()) << rows.status();
    return rows.ok() ? (*rows)->num_rows() : -1;
  }

  fs::path dir_;
  std::shared_ptr<storage::ObjectStore> store_;
};

TEST_F(TableTest, CreateAppendScanWithPartitionsAndStats) {
  auto table = CreatePartitioned();
  ASSERT_TRUE(table->Append(Rows(0, 10, "Berlin")).ok());
  auto written = table->Append(Rows(10, 5, "Paris"));
  ASSERT_TRUE(written.ok()) << written.status();
  EXPECT_EQ(written->version, 2);
  auto snapshot = table->snapshot();
  EXPECT_EQ(snapshot->num_rows(), 15);
  EXPECT_EQ(CountRows(*snapshot), 15);
  EXPECT_EQ(CountRows(*snapshot, "city = 'Paris'"), 5);
  EXPECT_EQ(CountRows(*snapshot, "city = 'Paris' AND id >= 12"), 3);
  // Partition pruning and stats skipping pick exactly the files that can match.
  EXPECT_EQ(PlanScan(*snapshot, *ParsePredicate("city = 'Paris'", *snapshot->schema())).files.size(), 1u);
  EXPECT_EQ(PlanScan(*snapshot, *ParsePredicate("id > 100", *snapshot->schema())).files.size(), 0u);
  EXPECT_TRUE(fs::exists(dir_ / "city=Berlin"));
  for (const auto& [path, add] : snapshot->files()) {
    ASSERT_TRUE(add.stats.has_value());
    EXPECT_NE(add.stats->find("\"nullCount\""), std::string::npos);
  }
}

TEST_F(TableTest, ReopenReplaysTheLogAndTimeTravels) {
  auto table = CreatePartitioned();
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(table->Append(Rows(i * 10, 10, "Rome")).ok());
  auto reopened = Table::Open(store_);
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ((*reopened)->snapshot()->version(), 4);
  auto v2 = (*reopened)->SnapshotAt(2);
  ASSERT_TRUE(v2.ok());
  EXPECT_EQ(CountRows(**v2), 20);
  auto missing = (*reopened)->SnapshotAt(9);
  EXPECT_EQ(missing.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(TableTest, CheckpointEveryTenCommitsAndReplayFromIt) {
  auto table = CreatePartitioned();
  for (int i = 0; i < 12; ++i) ASSERT_TRUE(table->Append(Rows(i * 3, 3, i % 2 ? "A" : "B")).ok());
  EXPECT_TRUE(fs::exists(dir_ / "_delta_log/00000000000000000010.checkpoint.parquet"));
  auto last = ReadLastCheckpoint(*store_);
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->version, 10);
  // Replay must not need the commits before the checkpoint.
  fs::remove(dir_ / "_delta_log/00000000000000000003.json");
  auto snapshot = LoadSnapshot(*store_);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  EXPECT_EQ((*snapshot)->version(), 12);
  EXPECT_EQ(CountRows(**snapshot), 36);
  EXPECT_EQ((*snapshot)->files().size(), table->snapshot()->files().size());
}

TEST_F(TableTest, ConcurrentWritersGetContiguousVersions) {
  auto table = CreatePartitioned();
  constexpr int kThreads = 4, kCommits = 15;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto own = Table::Open(store_);  // each writer has its own (stale) snapshot
      ASSERT_TRUE(own.ok());
      for (int i = 0; i < kCommits; ++i) {
        auto r = (*own)->Append(Rows(t * 1000 + i, 1, "X"));
        ASSERT_TRUE(r.ok()) << r.status();
      }
    });
  }
  for (auto& th : threads) th.join();
  auto snapshot = LoadSnapshot(*store_);
  ASSERT_TRUE(snapshot.ok());
  EXPECT_EQ((*snapshot)->version(), kThreads * kCommits);
  EXPECT_EQ(CountRows(**snapshot), kThreads * kCommits);
}

TEST_F(TableTest, TxnGuardRejectsAZombieWriter) {
  auto table = CreatePartitioned();
  auto zombie = Table::Open(store_);
  ASSERT_TRUE(zombie.ok());
  WriteOptions first;
  first.txns = {Txn{"grp-orders-0", 99, std::nullopt}};
  first.expected_txns = {{"grp-orders-0", std::nullopt}};
  ASSERT_TRUE(table->Append(Rows(0, 3, "A"), first).ok());
  // The zombie read the table before that commit and tries the same offsets.
  auto stale = (*zombie)->Append(Rows(0, 3, "A"), first);
  ASSERT_FALSE(stale.ok());
  EXPECT_TRUE(stale.status().IsConflict()) << stale.status();
  auto snapshot = LoadSnapshot(*store_);
  EXPECT_EQ((*snapshot)->TxnVersion("grp-orders-0"), 99);
  EXPECT_EQ(CountRows(**snapshot), 3);
}

TEST_F(TableTest, SchemaMismatchNamesTheColumnAndWritesNothing) {
  auto table = CreatePartitioned();
  arrow::StringBuilder ids;
  ASSERT_TRUE(ids.Append("x").ok());
  auto bad = arrow::Table::Make(arrow::schema({arrow::field("id", arrow::utf8())}), {ids.Finish().ValueOrDie()});
  auto r = table->Append(bad);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("column 'id'"), std::string::npos) << r.status();
  EXPECT_FALSE(fs::exists(dir_ / "_delta_log/00000000000000000001.json"));
}

TEST_F(TableTest, OverwriteOptimizeVacuum) {
  auto table = CreatePartitioned();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(table->Append(Rows(i * 10, 10, "Oslo")).ok());
  ASSERT_TRUE(table->Append(Rows(100, 4, "Lima")).ok());
  auto optimized = table->Optimize(Predicate{}, 128 << 20);
  ASSERT_TRUE(optimized.ok()) << optimized.status();
  EXPECT_EQ(optimized->files_removed, 3);
  EXPECT_EQ(optimized->files_added, 1);
  EXPECT_EQ(CountRows(*table->snapshot()), 34);
  auto replaced = table->OverwritePartitions(Rows(500, 2, "Oslo"));
  ASSERT_TRUE(replaced.ok()) << replaced.status();
  EXPECT_EQ(CountRows(*table->snapshot()), 6);
  EXPECT_EQ(CountRows(*table->snapshot(), "city = 'Lima'"), 4);
  auto dry = table->Vacuum(0, /*dry_run=*/true);
  ASSERT_TRUE(dry.ok());
  EXPECT_EQ(dry->deleted.size(), 4u);  // 3 compacted + the optimized file
  auto done = table->Vacuum(0, false);
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(CountRows(*table->snapshot()), 6);
}

TEST_F(TableTest, OpeningANonTableIsNotFound) {
  auto r = Table::Open(store_);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsNotFound());
  EXPECT_NE(r.status().message().find("not a Delta table"), std::string::npos);
}

TEST(SchemaTest, SparkJsonRoundTrip) {
  auto schema = arrow::schema({arrow::field("ts", arrow::timestamp(arrow::TimeUnit::MICRO, "UTC")),
                               arrow::field("d", arrow::date32()), arrow::field("m", arrow::map(arrow::utf8(), arrow::binary())),
                               arrow::field("l", arrow::list(arrow::int32())), arrow::field("dec", arrow::decimal128(10, 2))});
  auto json = SchemaToSparkJson(*schema);
  ASSERT_TRUE(json.ok());
  auto back = SchemaFromSparkJson(*json);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*SchemaToSparkJson(**back), *json);
  auto spec = ParseSchemaSpec("id:long, name:string,price:double");
  ASSERT_TRUE(spec.ok());
  EXPECT_EQ((*spec)->num_fields(), 3);
  EXPECT_FALSE(ParseSchemaSpec("id:wat").ok());
}


TEST_F(TableTest, ADictionaryChoiceGivenByTheWriterIsUsedAsIs) {
  auto table = CreatePartitioned();
  // "id" repeats little here, so sampling would keep its dictionary; the
  // writer's own choice says plain, and the file follows it.
  WriteOptions options;
  options.data.dictionaries = DictionaryChoice{.plain = {"id"}, .shared_dictionary = {}};
  auto written = table->Append(Rows(0, 100, "Paris"), options);
  ASSERT_TRUE(written.ok()) << written.status();
  auto snapshot = table->Refresh();
  ASSERT_TRUE(snapshot.ok());
  ASSERT_EQ((*snapshot)->files().size(), 1u);
  const std::string path = (dir_ / DecodeUriPath((*snapshot)->files().begin()->second.path)).string();
  auto input = arrow::io::ReadableFile::Open(path).ValueOrDie();
  auto reader = parquet::ParquetFileReader::Open(input);
  auto id_chunk = reader->metadata()->RowGroup(0)->ColumnChunk(0);
  EXPECT_FALSE(id_chunk->has_dictionary_page());
  EXPECT_EQ(CountRows(**snapshot), 100);
}

TEST_F(TableTest, RefreshAppliesOtherWritersCommitsOnTopOfItsSnapshot) {
  auto writer = CreatePartitioned();
  auto reader = Table::Open(store_);
  ASSERT_TRUE(reader.ok()) << reader.status();
  auto before = (*reader)->snapshot();
  for (int i = 0; i < 12; ++i) {  // crosses a checkpoint (every 10 commits)
    ASSERT_TRUE(writer->Append(Rows(i * 10, 10, i % 2 ? "Paris" : "Oslo"), {}).ok());
    if (i == 9) ASSERT_TRUE(writer->Checkpoint().ok());
  }
  auto refreshed = (*reader)->Refresh();
  ASSERT_TRUE(refreshed.ok()) << refreshed.status();
  auto full = LoadSnapshot(*store_);
  ASSERT_TRUE(full.ok()) << full.status();
  EXPECT_EQ((*refreshed)->version(), (*full)->version());
  EXPECT_EQ((*refreshed)->files().size(), (*full)->files().size());
  EXPECT_EQ(CountRows(**refreshed), 120);
  EXPECT_EQ(CountRows(*before), 0) << "a snapshot handed out earlier must not change";
  // Nothing new: the same snapshot comes back.
  auto again = (*reader)->Refresh();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->get(), refreshed->get());
}

TEST_F(TableTest, RefreshSeesATableRecreatedInPlace) {
  auto first = CreatePartitioned();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(first->Append(Rows(i * 10, 10, "Oslo"), {}).ok());
  fs::remove_all(dir_);
  auto second = CreatePartitioned();
  ASSERT_TRUE(second->Append(Rows(0, 4, "Rome"), {}).ok());
  auto refreshed = first->Refresh();
  ASSERT_TRUE(refreshed.ok()) << refreshed.status();
  EXPECT_EQ((*refreshed)->version(), 1);
  EXPECT_EQ(CountRows(**refreshed), 4);
}
}  // namespace
}  // namespace medallion::delta
