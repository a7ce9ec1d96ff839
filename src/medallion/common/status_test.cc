#include "medallion/common/status.h"

#include <gtest/gtest.h>

#include "medallion/common/arrow_status.h"
#include "medallion/common/result.h"

namespace medallion {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return Status::InvalidArgument("odd value " + std::to_string(x));
  return x / 2;
}

Result<int> Quarter(int x) {
  MEDALLION_ASSIGN_OR_RETURN(int h, Half(x));
  MEDALLION_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

TEST(StatusTest, OkAndError) {
  EXPECT_TRUE(Status::OK().ok());
  Status s = Status::NotFound("table 'x'");
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(s.IsNotFound());
  EXPECT_EQ(s.ToString(), "Not found: table 'x'");
  EXPECT_EQ(s.WithContext("open").message(), "open: table 'x'");
  EXPECT_TRUE(Status::OK().WithContext("ignored").ok());
}

TEST(ResultTest, PropagatesFirstError) {
  EXPECT_EQ(*Quarter(8), 2);
  Result<int> r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "odd value 3");
  EXPECT_EQ(r.ValueOr(-1), -1);
}

TEST(ResultTest, OkStatusWithoutValueIsAnError) {
  Result<int> r{Status::OK()};
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInternal);
}

TEST(ArrowStatusTest, MapsCodes) {
  EXPECT_TRUE(FromArrow(arrow::Status::OK()).ok());
  EXPECT_EQ(FromArrow(arrow::Status::Invalid("bad")).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(FromArrow(arrow::Status::IOError("No such file or directory")).code(), StatusCode::kNotFound);
  Result<int> r = FromArrow(arrow::Result<int>(arrow::Status::IOError("disk")));
  EXPECT_EQ(r.status().code(), StatusCode::kIOError);
  EXPECT_EQ(*FromArrow(arrow::Result<int>(7)), 7);
}

}  // namespace
}  // namespace medallion
