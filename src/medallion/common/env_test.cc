#include "medallion/common/env.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>

namespace medallion {
namespace {

TEST(EnvTest, SetUnsetAndEmptyAreDistinct) {
  ::setenv("MEDALLION_ENV_TEST_VALUE", "hello", 1);
  EXPECT_EQ(GetEnv("MEDALLION_ENV_TEST_VALUE"), "hello");

  ::setenv("MEDALLION_ENV_TEST_VALUE", "", 1);
  ASSERT_TRUE(GetEnv("MEDALLION_ENV_TEST_VALUE").has_value());
  EXPECT_EQ(*GetEnv("MEDALLION_ENV_TEST_VALUE"), "");

  ::unsetenv("MEDALLION_ENV_TEST_VALUE");
  EXPECT_FALSE(GetEnv("MEDALLION_ENV_TEST_VALUE").has_value());
}

TEST(EnvTest, NameNeedNotBeNulTerminated) {
  ::setenv("MEDALLION_ENV_TEST_A", "a", 1);
  std::string_view padded = "MEDALLION_ENV_TEST_AB";
  EXPECT_EQ(GetEnv(padded.substr(0, padded.size() - 1)), "a");
  ::unsetenv("MEDALLION_ENV_TEST_A");
}

TEST(EnvTest, RegularFileAndPipeAreNotTerminals) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  EXPECT_FALSE(IsTty(fds[0]));
  EXPECT_FALSE(IsTty(fds[1]));
  ::close(fds[0]);
  ::close(fds[1]);
  EXPECT_FALSE(IsTty(-1));
}

}  // namespace
}  // namespace medallion
