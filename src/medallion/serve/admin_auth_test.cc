#include "medallion/serve/admin_auth.h"

#include <gtest/gtest.h>

namespace medallion::serve {
namespace {

TEST(AdminAuth, MissingWrongAndRightTokens) {
  AdminAuth auth("s3cret-token");
  EXPECT_EQ(auth.Check(""), AuthOutcome::kMissing);
  EXPECT_EQ(auth.Check("Basic czNjcmV0"), AuthOutcome::kMissing);
  EXPECT_EQ(auth.Check("Bearer "), AuthOutcome::kMissing);
  EXPECT_EQ(auth.Check("Bearer s3cret"), AuthOutcome::kDenied);
  EXPECT_EQ(auth.Check("Bearer s3cret-token-and-more"), AuthOutcome::kDenied);
  EXPECT_EQ(auth.Check("Bearer s3cret-token"), AuthOutcome::kAllowed);
  EXPECT_EQ(auth.Check("bearer s3cret-token"), AuthOutcome::kAllowed);
}

TEST(AdminAuth, NoConfiguredTokenDeniesEveryone) {
  AdminAuth auth;
  EXPECT_FALSE(auth.enabled());
  EXPECT_EQ(auth.Check("Bearer anything"), AuthOutcome::kDenied);
  EXPECT_EQ(auth.Check(""), AuthOutcome::kMissing);
}

TEST(ConstantTimeEquals, ComparesContentAndLength) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", std::string_view("abc\0", 4)));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
  EXPECT_FALSE(ConstantTimeEquals("", "a"));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
}

}  // namespace
}  // namespace medallion::serve
