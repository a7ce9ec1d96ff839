#include "medallion/common/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

namespace medallion {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

namespace fs = std::filesystem;

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("medallion_config_test_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string WriteFile(const std::string& name, const std::string& text) {
    const fs::path path = dir_ / name;
    std::ofstream(path) << text;
    return path.string();
  }

  // A Config that sees `env_` instead of the process environment.
  Config WithFakeEnv(Config config) {
    config.set_env_lookup([this](std::string_view name) -> std::optional<std::string> {
      auto it = env_.find(std::string(name));
      if (it == env_.end()) return std::nullopt;
      return it->second;
    });
    return config;
  }

  fs::path dir_;
  std::map<std::string, std::string> env_;
};

constexpr const char* kSample = R"(# sample
lake:
  root: /data/lake
delta:
  checkpoint_interval: 10
  target_file_size_bytes: 134217728
  compression: zstd
kafka:
  bootstrap_servers: [broker1:9092, broker2:9092]
  topics: orders, ticks
s3:
  endpoint_url:
  region: eu-west-1
ratio: 0.25
flags:
  enabled: yes
  verbose: off
)";

TEST_F(ConfigTest, FlattensNestedYamlToDottedKeys) {
  Result<Config> config = Config::Load(WriteFile("medallion.yaml", kSample));
  ASSERT_TRUE(config.ok()) << config.status();
  Config c = WithFakeEnv(*config);
  EXPECT_EQ(c.GetString("lake.root"), "/data/lake");
  EXPECT_EQ(*c.GetInt("delta.checkpoint_interval", 99), 10);
  EXPECT_EQ(*c.GetInt("delta.target_file_size_bytes", 0), 134217728);
  EXPECT_EQ(c.GetString("delta.compression", "snappy"), "zstd");
  EXPECT_DOUBLE_EQ(*c.GetDouble("ratio", 1.0), 0.25);
  EXPECT_TRUE(*c.GetBool("flags.enabled", false));
  EXPECT_FALSE(*c.GetBool("flags.verbose", true));
  EXPECT_THAT(c.Keys(), ::testing::Contains("kafka.bootstrap_servers"));
  EXPECT_EQ(c.source_path(), (dir_ / "medallion.yaml").string());
}

TEST_F(ConfigTest, NullAndMissingKeysFallBack) {
  Config c = WithFakeEnv(*Config::FromYaml(kSample));
  EXPECT_FALSE(c.GetString("s3.endpoint_url").has_value());  // "endpoint_url:" with no value
  EXPECT_EQ(c.GetString("s3.endpoint_url", "http://default"), "http://default");
  EXPECT_EQ(*c.GetInt("no.such.key", 7), 7);
  EXPECT_DOUBLE_EQ(*c.GetDouble("no.such.key", 1.5), 1.5);
  EXPECT_TRUE(*c.GetBool("no.such.key", true));
  EXPECT_FALSE(c.GetString("lake").has_value());  // a section has no scalar value
}

TEST_F(ConfigTest, ListsFromSequencesAndCommaStrings) {
  Config c = WithFakeEnv(*Config::FromYaml(kSample));
  EXPECT_THAT(*c.GetList("kafka.bootstrap_servers"), ElementsAre("broker1:9092", "broker2:9092"));
  EXPECT_THAT(*c.GetList("kafka.topics"), ElementsAre("orders", "ticks"));
  EXPECT_THAT(*c.GetList("kafka.missing"), IsEmpty());
  env_["MEDALLION_KAFKA_BOOTSTRAP_SERVERS"] = " a:1 ,, b:2 ";
  EXPECT_THAT(*c.GetList("kafka.bootstrap_servers"), ElementsAre("a:1", "b:2"));

  Result<std::vector<std::string>> section = c.GetList("delta");
  ASSERT_FALSE(section.ok());
  EXPECT_THAT(section.status().message(), HasSubstr("'delta'"));
}

TEST_F(ConfigTest, DottedKeysInYamlMeanTheSameAsNesting) {
  Config c = WithFakeEnv(*Config::FromYaml("lake.root: /flat\nkafka:\n  bootstrap_servers: b:9092\n"));
  EXPECT_EQ(c.GetString("lake.root"), "/flat");
  EXPECT_EQ(c.GetString("kafka.bootstrap_servers"), "b:9092");
}

TEST_F(ConfigTest, ListOfMappingsIsIndexed) {
  Config c = WithFakeEnv(*Config::FromYaml("tasks:\n  - name: bronze\n    retries: 3\n  - name: silver\n"));
  EXPECT_EQ(c.GetString("tasks.0.name"), "bronze");
  EXPECT_EQ(*c.GetInt("tasks.0.retries", 0), 3);
  EXPECT_EQ(c.GetString("tasks.1.name"), "silver");
}

TEST_F(ConfigTest, PrecedenceSetOverEnvOverFileOverFallback) {
  Config c = WithFakeEnv(*Config::FromYaml("lake:\n  root: /from/file\n"));
  EXPECT_EQ(c.GetString("lake.root", "./lake"), "/from/file");
  EXPECT_EQ(c.GetString("log.level", "info"), "info");

  env_["MEDALLION_LAKE_ROOT"] = "/from/env";
  env_["MEDALLION_LOG_LEVEL"] = "debug";
  EXPECT_EQ(c.GetString("lake.root", "./lake"), "/from/env");
  EXPECT_EQ(c.GetString("log.level", "info"), "debug");

  c.Set("lake.root", "/from/flag");
  EXPECT_EQ(c.GetString("lake.root", "./lake"), "/from/flag");

  env_["MEDALLION_LOG_LEVEL"] = "";  // empty counts as unset
  EXPECT_EQ(c.GetString("log.level", "info"), "info");
}

TEST_F(ConfigTest, EnvVarNames) {
  EXPECT_EQ(Config::EnvVarName("lake.root"), "MEDALLION_LAKE_ROOT");
  EXPECT_EQ(Config::EnvVarName("a.b_c"), "MEDALLION_A_B_C");
  EXPECT_EQ(Config::EnvVarName("kafka.bootstrap-servers"), "MEDALLION_KAFKA_BOOTSTRAP_SERVERS");
}

TEST_F(ConfigTest, ReadsTheRealProcessEnvironmentByDefault) {
  Config c = *Config::FromYaml("delta:\n  checkpoint_interval: 10\n");
  ::setenv("MEDALLION_DELTA_CHECKPOINT_INTERVAL", "25", 1);
  Result<int64_t> interval = c.GetInt("delta.checkpoint_interval", 10);
  ::unsetenv("MEDALLION_DELTA_CHECKPOINT_INTERVAL");
  EXPECT_EQ(*interval, 25);
  EXPECT_EQ(*c.GetInt("delta.checkpoint_interval", 1), 10);
}

TEST_F(ConfigTest, BadValuesNameKeyValueAndOrigin) {
  Config c = WithFakeEnv(*Config::Load(WriteFile("bad.yaml", "delta:\n  checkpoint_interval: ten\nratio: 1.5x\n")));

  Result<int64_t> from_file = c.GetInt("delta.checkpoint_interval", 10);
  ASSERT_FALSE(from_file.ok());
  EXPECT_TRUE(from_file.status().IsInvalidArgument());
  EXPECT_THAT(from_file.status().message(), HasSubstr("'delta.checkpoint_interval'"));
  EXPECT_THAT(from_file.status().message(), HasSubstr("'ten'"));
  EXPECT_THAT(from_file.status().message(), HasSubstr("bad.yaml line 2"));

  EXPECT_FALSE(c.GetDouble("ratio", 0).ok());

  env_["MEDALLION_FLAGS_ENABLED"] = "maybe";
  Result<bool> from_env = c.GetBool("flags.enabled", false);
  ASSERT_FALSE(from_env.ok());
  EXPECT_THAT(from_env.status().message(), HasSubstr("'maybe'"));
  EXPECT_THAT(from_env.status().message(), HasSubstr("environment variable MEDALLION_FLAGS_ENABLED"));

  c.Set("delta.checkpoint_interval", "12.5");
  Result<int64_t> from_flag = c.GetInt("delta.checkpoint_interval", 10);
  ASSERT_FALSE(from_flag.ok());
  EXPECT_THAT(from_flag.status().message(), HasSubstr("command line"));
}

TEST_F(ConfigTest, NumbersAcceptSignsAndRejectTrailingJunk) {
  Config c = WithFakeEnv(Config());
  c.Set("n", "-42");
  EXPECT_EQ(*c.GetInt("n", 0), -42);
  c.Set("n", "+7");
  EXPECT_EQ(*c.GetInt("n", 0), 7);
  c.Set("n", "99999999999999999999");  // overflows int64
  EXPECT_FALSE(c.GetInt("n", 0).ok());
  c.Set("n", "1e3");
  EXPECT_DOUBLE_EQ(*c.GetDouble("n", 0), 1000.0);
  EXPECT_FALSE(c.GetInt("n", 0).ok());
}

TEST_F(ConfigTest, MissingGivenFileIsNotFoundNamingIt) {
  const std::string path = (dir_ / "nope.yaml").string();
  Result<Config> config = Config::Load(path);
  ASSERT_FALSE(config.ok());
  EXPECT_TRUE(config.status().IsNotFound());
  EXPECT_THAT(config.status().message(), HasSubstr(path));
}

TEST_F(ConfigTest, InvalidYamlNamesFileAndLine) {
  const std::string path = WriteFile("broken.yaml", "lake:\n  root: /x\ndelta: [unclosed\n");
  Result<Config> config = Config::Load(path);
  ASSERT_FALSE(config.ok());
  EXPECT_TRUE(config.status().IsInvalidArgument());
  EXPECT_THAT(config.status().message(), HasSubstr(path));
  EXPECT_THAT(config.status().message(), ::testing::ContainsRegex("line [34]"));
}

TEST_F(ConfigTest, TopLevelMustBeAMapping) {
  Result<Config> config = Config::Load(WriteFile("list.yaml", "- a\n- b\n"));
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(), HasSubstr("mapping"));
  EXPECT_TRUE(Config::Load(WriteFile("empty.yaml", "")).ok());
}

TEST_F(ConfigTest, EmptyPathUsesMedallionYamlInWorkingDirectoryIfPresent) {
  const fs::path previous = fs::current_path();
  fs::current_path(dir_);
  Result<Config> defaults = Config::Load("");
  WriteFile("medallion.yaml", "lake:\n  root: /cwd/lake\n");
  Result<Config> found = Config::Load("");
  fs::current_path(previous);

  ASSERT_TRUE(defaults.ok());
  EXPECT_TRUE(defaults->source_path().empty());
  EXPECT_TRUE(defaults->Keys().empty());
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(WithFakeEnv(*found).GetString("lake.root", "./lake"), "/cwd/lake");
}

TEST_F(ConfigTest, ExampleConfigParses) {
  // The documented example must stay valid YAML with the documented defaults.
  // CMake compiles with absolute source paths, so the repository root is
  // three levels above this file (src/medallion/common/).
  const fs::path example = fs::path(__FILE__).parent_path() / "../../../config/medallion.example.yaml";
  ASSERT_TRUE(fs::exists(example)) << example;
  Result<Config> config = Config::Load(example.string());
  ASSERT_TRUE(config.ok()) << config.status();
  Config c = WithFakeEnv(*config);
  EXPECT_EQ(c.GetString("lake.root", ""), "./lake");
  EXPECT_EQ(*c.GetInt("delta.checkpoint_interval", 0), 10);
  EXPECT_EQ(*c.GetInt("delta.target_file_size_bytes", 0), 128 * 1024 * 1024);
  EXPECT_EQ(c.GetString("delta.compression", ""), "snappy");
  EXPECT_EQ(c.GetString("kafka.bootstrap_servers", ""), "embedded");
  EXPECT_EQ(c.GetString("log.format", ""), "auto");
  EXPECT_EQ(c.GetString("log.level", ""), "info");
}

}  // namespace
}  // namespace medallion
