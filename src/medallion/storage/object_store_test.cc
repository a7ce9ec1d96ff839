#include "medallion/storage/object_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace medallion::storage {
namespace {

using ::testing::HasSubstr;

TEST(JoinPathTest, UsesExactlyOneSlash) {
  EXPECT_EQ(JoinPath("s3://b/p", "_delta_log/0.json"), "s3://b/p/_delta_log/0.json");
  EXPECT_EQ(JoinPath("/lake/", "/bronze"), "/lake/bronze");
  EXPECT_EQ(JoinPath("/", "x"), "/x");
  EXPECT_EQ(JoinPath("", "x/y"), "x/y");
  EXPECT_EQ(JoinPath("root", ""), "root");
}

// Sets environment variables for one test and puts the old values back.
class ScopedEnv {
 public:
  void Set(const std::string& name, const std::optional<std::string>& value) {
    if (!saved_.contains(name)) {
      const char* old = std::getenv(name.c_str());
      saved_[name] = old ? std::optional<std::string>(old) : std::nullopt;
    }
    Apply(name, value);
  }
  ~ScopedEnv() {
    for (const auto& [name, value] : saved_) Apply(name, value);
  }

 private:
  static void Apply(const std::string& name, const std::optional<std::string>& value) {
    if (value) {
      ::setenv(name.c_str(), value->c_str(), 1);
    } else {
      ::unsetenv(name.c_str());
    }
  }
  std::map<std::string, std::optional<std::string>> saved_;
};

TEST(S3OptionsTest, FillsEmptyFieldsFromTheAwsVariables) {
  ScopedEnv env;
  env.Set("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE");
  env.Set("AWS_SECRET_ACCESS_KEY", "secret-example");
  env.Set("AWS_SESSION_TOKEN", "token-example");
  env.Set("AWS_REGION", std::nullopt);
  env.Set("AWS_DEFAULT_REGION", "eu-west-3");
  env.Set("AWS_ENDPOINT_URL", "http://general:9000");
  env.Set("AWS_ENDPOINT_URL_S3", "http://s3-specific:9000");
  S3Options options;
  options.FillFromEnvironment();
  EXPECT_EQ(options.access_key, "AKIDEXAMPLE");
  EXPECT_EQ(options.secret_key, "secret-example");
  EXPECT_EQ(options.session_token, "token-example");
  EXPECT_EQ(options.region, "eu-west-3");
  EXPECT_EQ(options.endpoint_url, "http://s3-specific:9000");

  env.Set("AWS_REGION", "ap-south-1");
  env.Set("AWS_ENDPOINT_URL_S3", std::nullopt);
  S3Options again;
  again.FillFromEnvironment();
  EXPECT_EQ(again.region, "ap-south-1");
  EXPECT_EQ(again.endpoint_url, "http://general:9000");
}

TEST(S3OptionsTest, ExplicitValuesWinAndRegionDefaultsToUsEast1) {
  ScopedEnv env;
  env.Set("AWS_ACCESS_KEY_ID", "from-env");
  env.Set("AWS_REGION", std::nullopt);
  env.Set("AWS_DEFAULT_REGION", std::nullopt);
  S3Options options;
  options.access_key = "explicit";
  options.FillFromEnvironment();
  EXPECT_EQ(options.access_key, "explicit");
  EXPECT_EQ(options.region, "us-east-1");
}

TEST(OpenObjectStoreTest, LocalPathsBecomeAbsoluteFileUris) {
  auto from_uri = OpenObjectStore("file:///srv/lake");
  ASSERT_TRUE(from_uri.ok()) << from_uri.status();
  EXPECT_EQ((*from_uri)->root_uri(), "file:///srv/lake");

  auto absolute = OpenObjectStore("/srv/lake/");
  ASSERT_TRUE(absolute.ok()) << absolute.status();
  EXPECT_EQ((*absolute)->root_uri(), "file:///srv/lake");

  auto relative = OpenObjectStore("lake/./bronze");
  ASSERT_TRUE(relative.ok()) << relative.status();
  EXPECT_EQ((*relative)->root_uri(), "file://" + (std::filesystem::current_path() / "lake/bronze").string());
  EXPECT_FALSE(std::filesystem::exists("lake/bronze")) << "opening must not create the directory";
}

TEST(OpenObjectStoreTest, RejectsUnusableUris) {
  EXPECT_TRUE(OpenObjectStore("").status().IsInvalidArgument());
  auto relative_file_uri = OpenObjectStore("file://lake");
  EXPECT_TRUE(relative_file_uri.status().IsInvalidArgument());
  EXPECT_THAT(relative_file_uri.status().message(), HasSubstr("file://lake"));
  auto unknown = OpenObjectStore("gs://bucket/lake");
  EXPECT_TRUE(unknown.status().IsInvalidArgument());
  EXPECT_THAT(unknown.status().message(), HasSubstr("gs://bucket/lake"));
  EXPECT_TRUE(OpenObjectStore("s3://").status().IsInvalidArgument());
}

TEST(OpenObjectStoreTest, S3UriGivesBucketAndPrefixWithoutTouchingTheNetwork) {
  S3Options options;
  options.endpoint_url = "http://127.0.0.1:1";  // nothing listens: opening must not connect
  options.access_key = "k";
  options.secret_key = "s";
  auto store = OpenObjectStore("s3://warehouse/lake/", options);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ((*store)->root_uri(), "s3://warehouse/lake");
  EXPECT_EQ((*store)->ArrowPath("gold/t/part-0.parquet"), "warehouse/lake/gold/t/part-0.parquet");
  auto bucket_only = OpenObjectStore("s3://warehouse", options);
  ASSERT_TRUE(bucket_only.ok()) << bucket_only.status();
  EXPECT_EQ((*bucket_only)->root_uri(), "s3://warehouse");
  EXPECT_EQ((*bucket_only)->ArrowPath("x"), "warehouse/x");
}

}  // namespace
}  // namespace medallion::storage
