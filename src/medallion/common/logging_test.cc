#include "medallion/common/logging.h"

#include <gtest/gtest.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

namespace medallion {
namespace {

// A logger that writes through `format`'s formatter into `out`.
std::shared_ptr<spdlog::logger> CapturingLogger(std::ostringstream& out, LogFormat format) {
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  sink->set_formatter(MakeLogFormatter(format));
  auto logger = std::make_shared<spdlog::logger>("medallion.test", sink);
  logger->set_level(spdlog::level::trace);
  return logger;
}

TEST(RedactSecretsTest, UriPasswords) {
  EXPECT_EQ(RedactSecrets("postgresql://u:secret@h"), "postgresql://u:***@h");
  EXPECT_EQ(RedactSecrets("connect postgresql://user:p%40ss@db.local:5432/shop?sslmode=require failed"),
            "connect postgresql://user:***@db.local:5432/shop?sslmode=require failed");
  EXPECT_EQ(RedactSecrets("a s3://k:v@minio/b and http://x:y@z/"), "a s3://k:***@minio/b and http://x:***@z/");
}

TEST(RedactSecretsTest, UrisWithoutPasswordsAreUntouched) {
  for (std::string_view text : {"postgresql://u@h/db", "http://127.0.0.1:9000/bucket", "s3://bucket/prefix/a@b.json",
                                "mailto:someone@example.com", "file:///tmp/lake"}) {
    EXPECT_EQ(RedactSecrets(text), text);
  }
}

TEST(RedactSecretsTest, KeyValuePairs) {
  EXPECT_EQ(RedactSecrets("password=secret"), "password=***");
  EXPECT_EQ(RedactSecrets("host=h user=u password=secret dbname=shop"), "host=h user=u password=*** dbname=shop");
  EXPECT_EQ(RedactSecrets("AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY region=us-east-1"),
            "AWS_SECRET_ACCESS_KEY=*** region=us-east-1");
  EXPECT_EQ(RedactSecrets("aws_session_token = abc123"), "aws_session_token = ***");
  EXPECT_EQ(RedactSecrets("url?user=a&Password=b&x=1"), "url?user=a&Password=***&x=1");
  EXPECT_EQ(RedactSecrets("GET /b/k?X-Amz-Credential=AKIA/20261123&X-Amz-Security-Token=tok&X-Amz-Signature=abc1 200"),
            "GET /b/k?X-Amz-Credential=AKIA/20261123&X-Amz-Security-Token=***&X-Amz-Signature=*** 200");
  EXPECT_EQ(RedactSecrets("s3.secret_key=abc"), "s3.secret_key=***");
  EXPECT_EQ(RedactSecrets("db_password: 'hunter 2', next"), "db_password: '***', next");
  EXPECT_EQ(RedactSecrets(R"({"client_secret": "s3cr\"et", "id": 7})"), R"({"client_secret": "***", "id": 7})");
  EXPECT_EQ(RedactSecrets("Authorization: Bearer eyJhbGciOi\nnext line"), "Authorization: ***\nnext line");
}

TEST(RedactSecretsTest, OrdinaryTextIsUntouched) {
  for (std::string_view text : {"wrote 1000 rows to bronze/orders", "tokens=5", "AWS_ACCESS_KEY_ID=AKIAEXAMPLE",
                                "password is required", "key=value", ""}) {
    EXPECT_EQ(RedactSecrets(text), text);
  }
}

TEST(RedactSecretsTest, IsIdempotent) {
  const std::string once = RedactSecrets("postgresql://u:pw@h password=x");
  EXPECT_EQ(RedactSecrets(once), once);
}

TEST(ParseTest, LogFormatAndLevel) {
  EXPECT_EQ(*ParseLogFormat("json"), LogFormat::kJson);
  EXPECT_EQ(*ParseLogFormat("Human"), LogFormat::kHuman);
  EXPECT_EQ(*ParseLogFormat("auto"), LogFormat::kAuto);
  Result<LogFormat> bad = ParseLogFormat("xml");
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(bad.status().IsInvalidArgument());
  EXPECT_NE(bad.status().message().find("'xml'"), std::string::npos);

  EXPECT_EQ(*ParseLogLevel("warn"), spdlog::level::warn);
  EXPECT_EQ(*ParseLogLevel("WARNING"), spdlog::level::warn);
  EXPECT_EQ(*ParseLogLevel("off"), spdlog::level::off);
  EXPECT_FALSE(ParseLogLevel("loud").ok());
  EXPECT_TRUE(InitLogging(LogFormat::kJson, "loud").IsInvalidArgument());
}

TEST(JsonLogTest, OneEscapedObjectPerLine) {
  std::ostringstream out;
  auto logger = CapturingLogger(out, LogFormat::kJson);
  logger->info("loaded \"orders\"\twith {} rows\nsecond line", 42);
  logger->warn("connecting to postgresql://app:hunter2@db/shop");

  std::istringstream lines(out.str());
  std::string first, second, extra;
  ASSERT_TRUE(std::getline(lines, first));
  ASSERT_TRUE(std::getline(lines, second));
  EXPECT_FALSE(std::getline(lines, extra));  // the embedded newline was escaped

  const auto a = nlohmann::json::parse(first);
  EXPECT_EQ(a.at("level"), "info");
  EXPECT_EQ(a.at("msg"), "loaded \"orders\"\twith 42 rows\nsecond line");
  EXPECT_EQ(a.at("logger"), "medallion.test");
  EXPECT_TRUE(std::regex_match(a.at("ts").get<std::string>(),
                               std::regex(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)")));
  EXPECT_EQ(first.rfind("{\"ts\":", 0), 0u) << first;  // field order is stable for humans reading raw lines

  const auto b = nlohmann::json::parse(second);
  EXPECT_EQ(b.at("level"), "warning");
  EXPECT_EQ(b.at("msg"), "connecting to postgresql://app:***@db/shop");
  EXPECT_EQ(second.find("hunter2"), std::string::npos);
}

TEST(JsonLogTest, InvalidUtf8DoesNotThrow) {
  std::ostringstream out;
  auto logger = CapturingLogger(out, LogFormat::kJson);
  logger->error("bad bytes: \xff\xfe end");
  const auto line = nlohmann::json::parse(out.str());
  EXPECT_NE(line.at("msg").get<std::string>().find("end"), std::string::npos);
}

TEST(HumanLogTest, TimestampLevelMessageAndRedaction) {
  std::ostringstream out;
  auto logger = CapturingLogger(out, LogFormat::kHuman);
  logger->info("password=secret done");
  const std::string line = out.str();
  EXPECT_TRUE(std::regex_match(line, std::regex(R"(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3} info  password=\*\*\* done\n)")))
      << line;
}

TEST(InitLoggingTest, InstallsDefaultLoggerAtLevelAndCanBeCalledAgain) {
  ASSERT_TRUE(InitLogging(LogFormat::kJson, "warn").ok());
  EXPECT_EQ(spdlog::default_logger()->name(), "medallion");
  EXPECT_EQ(spdlog::default_logger()->level(), spdlog::level::warn);
  ASSERT_TRUE(InitLogging(LogFormat::kHuman, "debug").ok());
  EXPECT_EQ(spdlog::default_logger()->level(), spdlog::level::debug);
}

}  // namespace
}  // namespace medallion
