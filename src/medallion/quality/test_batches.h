// Test helpers: record batches written as JSON, and paths of the fixtures in
// tests/data/quality. Header-only so only the test binary pulls it in.
#pragma once

#include <arrow/api.h>
#include <arrow/json/from_string.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace medallion::quality::testing {

struct TestColumn {
  std::string name;
  std::shared_ptr<arrow::DataType> type;
  std::string json;  // "[1, null, 3]"
};

inline std::shared_ptr<arrow::RecordBatch> MakeBatch(const std::vector<TestColumn>& columns) {
  std::vector<std::shared_ptr<arrow::Field>> fields;
  std::vector<std::shared_ptr<arrow::Array>> arrays;
  for (const auto& c : columns) {
    auto array = arrow::json::ArrayFromJSONString(c.type, c.json);
    EXPECT_TRUE(array.ok()) << c.name << ": " << array.status().ToString();
    fields.push_back(arrow::field(c.name, c.type));
    arrays.push_back(*array);
  }
  int64_t rows = arrays.empty() ? 0 : arrays[0]->length();
  return arrow::RecordBatch::Make(arrow::schema(fields), rows, arrays);
}

inline std::string FixturePath(const std::string& name) {
  // __FILE__ is absolute in CMake builds: src/medallion/quality/ -> repo root.
  return (std::filesystem::path(__FILE__).parent_path() / "../../../tests/data/quality" / name).lexically_normal();
}

}  // namespace medallion::quality::testing
