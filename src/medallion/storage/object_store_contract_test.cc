// One behavioural contract, run against every ObjectStore: the local store
// (with renameat2 and with the link() fallback) and the S3 store against a
// real MinIO. The Delta engine relies on exactly these properties.
#include <arrow/filesystem/filesystem.h>
#include <arrow/buffer.h>
#include <arrow/io/interfaces.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "medallion/storage/local_object_store.h"
#include "medallion/storage/minio_test_server.h"
#include "medallion/storage/object_store.h"
#include "medallion/storage/s3_object_store.h"

namespace medallion::storage {
namespace {

// Status-returning calls, with the Status in the failure message.
#define ASSERT_OK(expr)                                        \
  do {                                                         \
    ::medallion::Status _status = (expr);                      \
    ASSERT_TRUE(_status.ok()) << #expr << ": " << _status;     \
  } while (false)
#define EXPECT_OK(expr)                                        \
  do {                                                         \
    ::medallion::Status _status = (expr);                      \
    EXPECT_TRUE(_status.ok()) << #expr << ": " << _status;     \
  } while (false)

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::string RandomBytes(size_t size, uint64_t seed) {
  std::mt19937_64 random(seed);
  std::string bytes(size, '\0');
  for (char& c : bytes) c = static_cast<char>(random() & 0xFF);
  return bytes;
}

std::vector<std::string> Paths(const std::vector<ObjectInfo>& objects) {
  std::vector<std::string> paths;
  for (const ObjectInfo& o : objects) paths.push_back(o.path);
  return paths;
}

class ObjectStoreContractTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    char dir_template[] = "/tmp/medallion-storage-test-XXXXXX";
    ASSERT_NE(::mkdtemp(dir_template), nullptr);
    scratch_ = dir_template;
    const std::string kind = GetParam();
    if (kind == "S3") {
      auto server = testing::MinioServer::Get();
      ASSERT_TRUE(server.ok()) << "S3 tests need MinIO: " << server.status();
      // A fresh prefix per test: tests in one process share the bucket.
      const std::string prefix = std::string("t/") +
                                 ::testing::UnitTest::GetInstance()->current_test_info()->name() + "-" +
                                 std::to_string(std::random_device{}());
      auto store = S3ObjectStore::Open("s3://" + (*server)->bucket() + "/" + prefix, (*server)->options());
      ASSERT_TRUE(store.ok()) << store.status();
      store_ = *store;
    } else {
      LocalObjectStoreOptions options;
      options.use_rename_noreplace = kind != "LocalLinkFallback";
      store_ = std::make_shared<LocalObjectStore>(scratch_ + "/lake", options);
    }
  }

  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(scratch_, ec);
  }

  std::string scratch_;
  std::shared_ptr<ObjectStore> store_;
};

TEST_P(ObjectStoreContractTest, WriteThenReadReturnsTheSameBytes) {
  const std::string binary = RandomBytes(300 * 1024, 1) + std::string("\0tail", 5);
  ASSERT_OK(store_->Write("data/blob.bin", binary));
  ASSERT_OK(store_->Write("data/empty", ""));
  auto read = store_->Read("data/blob.bin");
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(*read, binary);
  auto empty = store_->Read("data/empty");
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_EQ(*empty, "");
}

TEST_P(ObjectStoreContractTest, ReadOfMissingObjectIsNotFoundAndNamesIt) {
  auto read = store_->Read("_delta_log/00000000000000000007.json");
  ASSERT_FALSE(read.ok());
  EXPECT_TRUE(read.status().IsNotFound()) << read.status();
  EXPECT_THAT(read.status().message(), HasSubstr("_delta_log/00000000000000000007.json"));
}

TEST_P(ObjectStoreContractTest, WriteReplacesAnExistingObject) {
  ASSERT_OK(store_->Write("_last_checkpoint", "{\"version\":10}"));
  ASSERT_OK(store_->Write("_last_checkpoint", "{\"version\":20}"));
  EXPECT_EQ(store_->Read("_last_checkpoint").ValueOr(""), "{\"version\":20}");
}

TEST_P(ObjectStoreContractTest, WriteIfAbsentCreatesOnceThenRefusesWithoutTouchingTheWinner) {
  const std::string path = "_delta_log/00000000000000000000.json";
  ASSERT_OK(store_->WriteIfAbsent(path, "first"));
  Status second = store_->WriteIfAbsent(path, "second");
  EXPECT_TRUE(second.IsAlreadyExists()) << second;
  EXPECT_THAT(second.message(), HasSubstr(path));
  EXPECT_EQ(store_->Read(path).ValueOr(""), "first");
}

TEST_P(ObjectStoreContractTest, ConcurrentWriteIfAbsentHasExactlyOneWinner) {
  constexpr int kWriters = 16;
  const std::string path = "_delta_log/00000000000000000001.json";
  std::vector<std::string> payloads;
  for (int i = 0; i < kWriters; ++i) payloads.push_back(RandomBytes(64 * 1024, 100 + i));
  std::vector<Status> results(kWriters);
  std::atomic<int> ready{0};
  std::vector<std::thread> writers;
  for (int i = 0; i < kWriters; ++i) {
    writers.emplace_back([&, i] {
      ready.fetch_add(1);
      while (ready.load() < kWriters) std::this_thread::yield();  // start together
      results[i] = store_->WriteIfAbsent(path, payloads[i]);
    });
  }
  for (std::thread& t : writers) t.join();

  int winner = -1;
  for (int i = 0; i < kWriters; ++i) {
    if (results[i].ok()) {
      EXPECT_EQ(winner, -1) << "writers " << winner << " and " << i << " both won";
      winner = i;
    } else {
      EXPECT_TRUE(results[i].IsAlreadyExists()) << "writer " << i << ": " << results[i];
    }
  }
  ASSERT_NE(winner, -1) << "nobody won the race";
  auto content = store_->Read(path);
  ASSERT_TRUE(content.ok()) << content.status();
  EXPECT_TRUE(*content == payloads[winner]) << "the object is not the winner's payload";
  auto listed = store_->List("_delta_log");
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_THAT(Paths(*listed), ElementsAre(path)) << "losers left objects behind";
}

TEST_P(ObjectStoreContractTest, ListIsDirectChildrenSortedWithSizes) {
  ASSERT_OK(store_->Write("_delta_log/00000000000000000002.json", "cc"));
  ASSERT_OK(store_->Write("_delta_log/00000000000000000000.json", "a"));
  ASSERT_OK(store_->Write("_delta_log/00000000000000000001.json", "bbbb"));
  ASSERT_OK(store_->Write("_delta_log/_tmp/nested.json", "x"));
  ASSERT_OK(store_->Write("part-0.parquet", "p"));

  auto listed = store_->List("_delta_log");
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_THAT(Paths(*listed), ElementsAre("_delta_log/00000000000000000000.json", "_delta_log/00000000000000000001.json",
                                          "_delta_log/00000000000000000002.json"));
  EXPECT_EQ((*listed)[0].size, 1);
  EXPECT_EQ((*listed)[1].size, 4);
  EXPECT_EQ((*listed)[2].size, 2);

  auto with_slash = store_->List("_delta_log/");
  ASSERT_TRUE(with_slash.ok()) << with_slash.status();
  EXPECT_EQ(Paths(*with_slash), Paths(*listed));

  auto root = store_->List("");
  ASSERT_TRUE(root.ok()) << root.status();
  EXPECT_THAT(Paths(*root), ElementsAre("part-0.parquet"));
}

TEST_P(ObjectStoreContractTest, ListStartAfterSkipsUpToAndIncludingThatPath) {
  for (int v = 0; v < 4; ++v) {
    ASSERT_OK(store_->Write("_delta_log/0000000000000000000" + std::to_string(v) + ".json", "{}"));
  }
  auto listed = store_->List("_delta_log", "_delta_log/00000000000000000001.json");
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_THAT(Paths(*listed),
              ElementsAre("_delta_log/00000000000000000002.json", "_delta_log/00000000000000000003.json"));
}

TEST_P(ObjectStoreContractTest, ListOfMissingDirectoryIsEmpty) {
  auto listed = store_->List("no/such/dir");
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_THAT(*listed, IsEmpty());
  auto recursive = store_->ListRecursive("no/such/dir");
  ASSERT_TRUE(recursive.ok()) << recursive.status();
  EXPECT_THAT(*recursive, IsEmpty());
}

TEST_P(ObjectStoreContractTest, ListRecursiveReturnsEveryObjectBelowSorted) {
  ASSERT_OK(store_->Write("date=2024-01-02/part-1.parquet", "1"));
  ASSERT_OK(store_->Write("date=2024-01-01/part-0.parquet", "0"));
  ASSERT_OK(store_->Write("date=2024-01-01/sub/deep.bin", "d"));
  ASSERT_OK(store_->Write("_delta_log/00000000000000000000.json", "{}"));

  auto all = store_->ListRecursive("");
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_THAT(Paths(*all), ElementsAre("_delta_log/00000000000000000000.json", "date=2024-01-01/part-0.parquet",
                                       "date=2024-01-01/sub/deep.bin", "date=2024-01-02/part-1.parquet"));
  auto one_partition = store_->ListRecursive("date=2024-01-01");
  ASSERT_TRUE(one_partition.ok()) << one_partition.status();
  EXPECT_THAT(Paths(*one_partition), ElementsAre("date=2024-01-01/part-0.parquet", "date=2024-01-01/sub/deep.bin"));
}

TEST_P(ObjectStoreContractTest, StatGivesSizeAndARecentModificationTime) {
  ASSERT_OK(store_->Write("gold/daily.parquet", std::string(1234, 'x')));
  auto info = store_->Stat("gold/daily.parquet");
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->path, "gold/daily.parquet");
  EXPECT_EQ(info->size, 1234);
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  // A sanity bound on the unit (ms, not s or ns), not a timing assertion.
  EXPECT_LT(std::llabs(now_ms - info->mtime_ms), 24LL * 3600 * 1000);

  auto missing = store_->Stat("gold/other.parquet");
  EXPECT_TRUE(missing.status().IsNotFound()) << missing.status();
  auto directory = store_->Stat("gold");
  EXPECT_TRUE(directory.status().IsNotFound()) << "a directory is not an object: " << directory.status();
}

TEST_P(ObjectStoreContractTest, DeleteRemovesAndDeletingAMissingObjectIsOk) {
  ASSERT_OK(store_->Write("tmp/a", "a"));
  ASSERT_OK(store_->Delete("tmp/a"));
  EXPECT_TRUE(store_->Read("tmp/a").status().IsNotFound());
  EXPECT_OK(store_->Delete("tmp/a"));
  EXPECT_OK(store_->Delete("never/existed"));
  // After a delete the key is free again for put-if-absent.
  EXPECT_OK(store_->WriteIfAbsent("tmp/a", "again"));
}

TEST_P(ObjectStoreContractTest, KeysWithSpacesAndPartitionCharactersRoundTrip) {
  const std::string path = "city=São Paulo/part 0+1%.json";
  ASSERT_OK(store_->WriteIfAbsent(path, "sp"));
  EXPECT_EQ(store_->Read(path).ValueOr(""), "sp");
  auto listed = store_->List("city=São Paulo");
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_THAT(Paths(*listed), ElementsAre(path));
  EXPECT_OK(store_->Delete(path));
}

TEST_P(ObjectStoreContractTest, PathsThatEscapeTheRootAreRejected) {
  for (const std::string bad : {"../outside", "/abs", "a//b", "a/./b", ""}) {
    EXPECT_TRUE(store_->Write(bad, "x").IsInvalidArgument()) << "'" << bad << "'";
    EXPECT_TRUE(store_->WriteIfAbsent(bad, "x").IsInvalidArgument()) << "'" << bad << "'";
    EXPECT_TRUE(store_->Read(bad).status().IsInvalidArgument()) << "'" << bad << "'";
  }
  EXPECT_TRUE(store_->List("../").status().IsInvalidArgument());
}

TEST_P(ObjectStoreContractTest, ArrowFilesystemSeesTheSameObjects) {
  ASSERT_OK(store_->Write("silver/orders/part-0.bin", "from the store"));
  auto fs = store_->arrow_filesystem();
  ASSERT_NE(fs, nullptr);
  auto input = fs->OpenInputFile(store_->ArrowPath("silver/orders/part-0.bin"));
  ASSERT_TRUE(input.ok()) << input.status().ToString();
  auto buffer = (*input)->ReadAt(0, 14);
  ASSERT_TRUE(buffer.ok()) << buffer.status().ToString();
  EXPECT_EQ((*buffer)->ToString(), "from the store");

  auto output = fs->OpenOutputStream(store_->ArrowPath("silver/orders/part-1.bin"));
  ASSERT_TRUE(output.ok()) << output.status().ToString();
  ASSERT_TRUE((*output)->Write("from arrow", 10).ok());
  ASSERT_TRUE((*output)->Close().ok());
  EXPECT_EQ(store_->Read("silver/orders/part-1.bin").ValueOr(""), "from arrow");
}

TEST_P(ObjectStoreContractTest, RootUriHasTheSchemeAndNoTrailingSlash) {
  const std::string& uri = store_->root_uri();
  EXPECT_TRUE(uri.starts_with(GetParam() == "S3" ? "s3://" : "file:///")) << uri;
  EXPECT_NE(uri.back(), '/') << uri;
}

INSTANTIATE_TEST_SUITE_P(Stores, ObjectStoreContractTest, ::testing::Values("Local", "LocalLinkFallback", "S3"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
}  // namespace medallion::storage
