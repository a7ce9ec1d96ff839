// Local-store properties beyond the shared contract: atomicity across
// processes, no debris from lost races, files other tools can read.
#include "medallion/storage/local_object_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace medallion::storage {
namespace {

using ::testing::ElementsAre;

class LocalObjectStoreTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    char dir_template[] = "/tmp/medallion-local-store-XXXXXX";
    ASSERT_NE(::mkdtemp(dir_template), nullptr);
    root_ = dir_template;
    LocalObjectStoreOptions options;
    options.use_rename_noreplace = GetParam();
    store_ = std::make_unique<LocalObjectStore>(root_, options);
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }

  std::vector<std::string> NamesOnDisk(const std::string& dir) const {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(root_ + "/" + dir)) {
      names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  std::string root_;
  std::unique_ptr<LocalObjectStore> store_;
};

// Separate processes, not threads: this is the case of two medallion
// programs committing to one table, where no in-process lock could help.
TEST_P(LocalObjectStoreTest, ForkedProcessesRacingWriteIfAbsentHaveExactlyOneWinner) {
  constexpr int kRounds = 10;
  constexpr int kProcesses = 2;
  for (int round = 0; round < kRounds; ++round) {
    const std::string path = "_delta_log/0000000000000000000" + std::to_string(round) + ".json";
    int barrier[2];
    ASSERT_EQ(::pipe(barrier), 0);
    std::vector<pid_t> children;
    for (int p = 0; p < kProcesses; ++p) {
      pid_t pid = ::fork();
      ASSERT_GE(pid, 0);
      if (pid == 0) {
        ::close(barrier[1]);
        char byte;
        (void)::read(barrier[0], &byte, 1);  // returns when the parent closes the pipe
        const std::string payload(256 * 1024, static_cast<char>('a' + p));
        Status status = store_->WriteIfAbsent(path, payload);
        ::_exit(status.ok() ? 0 : status.IsAlreadyExists() ? 1 : 2);
      }
      children.push_back(pid);
    }
    ::close(barrier[0]);
    ::close(barrier[1]);  // start line

    int winners = 0;
    int winner = -1;
    for (int p = 0; p < kProcesses; ++p) {
      int wait_status = 0;
      ASSERT_EQ(::waitpid(children[p], &wait_status, 0), children[p]);
      ASSERT_TRUE(WIFEXITED(wait_status));
      const int code = WEXITSTATUS(wait_status);
      ASSERT_NE(code, 2) << "process " << p << " failed with an error other than AlreadyExists";
      if (code == 0) {
        ++winners;
        winner = p;
      }
    }
    ASSERT_EQ(winners, 1) << "round " << round;
    auto content = store_->Read(path);
    ASSERT_TRUE(content.ok()) << content.status();
    EXPECT_TRUE(*content == std::string(256 * 1024, static_cast<char>('a' + winner)))
        << "round " << round << ": content is not process " << winner << "'s payload";
  }
  EXPECT_EQ(NamesOnDisk("_delta_log").size(), static_cast<size_t>(kRounds)) << "temporary files were left behind";
}

TEST_P(LocalObjectStoreTest, LostRacesLeaveNoTemporaryFiles) {
  std::vector<std::thread> writers;
  for (int i = 0; i < 8; ++i) {
    writers.emplace_back([&, i] { (void)store_->WriteIfAbsent("t/commit.json", std::to_string(i)); });
  }
  for (std::thread& t : writers) t.join();
  EXPECT_THAT(NamesOnDisk("t"), ElementsAre("commit.json"));
}

TEST_P(LocalObjectStoreTest, ObjectsArePlainFilesWithTheUsersDefaultPermissions) {
  ASSERT_TRUE(store_->Write("bronze/orders/part-0.json", "{\"id\":1}").ok());
  std::ifstream in(root_ + "/bronze/orders/part-0.json");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "{\"id\":1}");

  const mode_t mask = ::umask(0);
  ::umask(mask);
  struct stat st;
  ASSERT_EQ(::stat((root_ + "/bronze/orders/part-0.json").c_str(), &st), 0);
  // Not mkstemp's 0600: Spark or DuckDB running as another user must read it.
  EXPECT_EQ(st.st_mode & 0777, 0666 & ~mask);
}

TEST_P(LocalObjectStoreTest, ListingsHideInFlightTemporaryFiles) {
  ASSERT_TRUE(store_->Write("_delta_log/00000000000000000000.json", "{}").ok());
  std::ofstream(root_ + "/_delta_log/" + std::string(LocalObjectStore::kTempPrefix) + "00000000000000000001.json.1")
      << "partial";
  auto listed = store_->List("_delta_log");
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].path, "_delta_log/00000000000000000000.json");
  auto all = store_->ListRecursive("");
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->size(), 1u);
}

TEST_P(LocalObjectStoreTest, ErrorsNameTheFileOnDisk) {
  ASSERT_TRUE(store_->Write("a/file", "x").ok());
  // "a/file/child" needs "a/file" to be a directory.
  Status status = store_->Write("a/file/child", "y");
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.message(), ::testing::HasSubstr(root_ + "/a/file"));
}

INSTANTIATE_TEST_SUITE_P(PublishBy, LocalObjectStoreTest, ::testing::Values(true, false),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? std::string("RenameNoReplace") : std::string("LinkFallback");
                         });

TEST(LocalObjectStoreRootTest, RootUriIsAbsoluteFileUriWithoutTrailingSlash) {
  LocalObjectStore store("/data/lake/");
  EXPECT_EQ(store.root_uri(), "file:///data/lake");
  EXPECT_EQ(store.ArrowPath("gold/t/part-0.parquet"), "/data/lake/gold/t/part-0.parquet");
}

}  // namespace
}  // namespace medallion::storage
