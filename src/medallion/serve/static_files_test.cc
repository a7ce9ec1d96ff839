#include "medallion/serve/static_files.h"

#include <filesystem>
#include <fstream>
#include <random>

#include <gtest/gtest.h>

namespace medallion::serve {
namespace {

namespace fs = std::filesystem;

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() / ("medallion-static-" + std::to_string(std::random_device{}()));
    fs::create_directories(base_ / "dist" / "assets");
    Write(base_ / "dist" / "index.html", "<html>app</html>");
    Write(base_ / "dist" / "assets" / "app.js", "console.log(1)");
    Write(base_ / "secret.txt", "top secret");
    fs::create_symlink(base_ / "secret.txt", base_ / "dist" / "link.txt");
    auto files = StaticFiles::Open(base_ / "dist");
    ASSERT_TRUE(files.ok()) << files.status();
    files_.emplace(std::move(*files));
  }
  void TearDown() override { fs::remove_all(base_); }
  static void Write(const fs::path& p, const std::string& data) { std::ofstream(p) << data; }

  fs::path base_;
  std::optional<StaticFiles> files_;
};

TEST_F(StaticFilesTest, ServesFilesWithContentTypes) {
  Response js = files_->Serve("/assets/app.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.body, "console.log(1)");
  EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
  Response root = files_->Serve("/");
  EXPECT_EQ(root.body, "<html>app</html>");
  EXPECT_EQ(root.content_type, "text/html; charset=utf-8");
}

TEST_F(StaticFilesTest, ClientRoutesFallBackToIndexButMissingAssetsDoNot) {
  EXPECT_EQ(files_->Serve("/forecast").body, "<html>app</html>");
  EXPECT_EQ(files_->Serve("/assets/missing.js").status, 404);
}

TEST_F(StaticFilesTest, TraversalIs404) {
  // The router decodes %2e%2e to ".." before this sees the path.
  for (const char* path : {"/../secret.txt", "/assets/../../secret.txt", "//etc/passwd", "/..", "/assets\\..\\x.txt",
                           "etc/passwd", "/link.txt"}) {
    Response r = files_->Serve(path);
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(r.body.find("secret"), std::string::npos) << path;
  }
}

TEST(StaticFiles, MissingDirectoryIsNotFound) {
  EXPECT_TRUE(StaticFiles::Open("/nonexistent/medallion/dist").status().IsNotFound());
}

TEST(ContentTypeFor, KnowsCommonTypes) {
  EXPECT_EQ(ContentTypeFor("a.CSS"), "text/css; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("font.woff2"), "font/woff2");
  EXPECT_EQ(ContentTypeFor("noext"), "application/octet-stream");
}

}  // namespace
}  // namespace medallion::serve
