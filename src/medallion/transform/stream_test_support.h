// Test helpers for the streaming jobs: a temp lake with Bronze tables made
// from generator records, and comparing tables as sorted rows. Header-only
// so only the test binary pulls it in.
#pragma once

#include <arrow/api.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "medallion/delta/scan.h"
#include "medallion/delta/table.h"
#include "medallion/ingest/bronze_schema.h"
#include "medallion/transform/gold_columns.h"
#include "medallion/transform/silver_test_support.h"

namespace medallion::transform::testing {

class TempLake {
 public:
  explicit TempLake(const std::string& tag) {
    root_ = std::filesystem::temp_directory_path() /
            fmt::format("{}_{}_{}", tag, ::getpid(), ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(root_);
  }
  ~TempLake() { std::filesystem::remove_all(root_); }
  std::string uri() const { return root_.string(); }
  std::string path(const std::string& relative) const { return (root_ / relative).string(); }

  // Appends `records` to bronze/<topic> as one commit.
  void AppendBronze(const std::string& topic, const std::vector<ingest::KafkaRecord>& records, int64_t ingest_us) {
    auto store = *storage::OpenObjectStore(path("bronze/" + topic));
    delta::CreateOptions create;
    create.schema = ingest::BronzeSchema();
    create.partition_columns = {"ingest_date"};
    auto table = delta::Table::OpenOrCreate(store, create);
    ASSERT_TRUE(table.ok()) << table.status();
    auto written = (*table)->Append(BronzeTable(records, ingest_us, next_offset_[topic]));
    ASSERT_TRUE(written.ok()) << written.status();
    next_offset_[topic] += static_cast<int64_t>(records.size());
  }

 private:
  std::filesystem::path root_;
  std::map<std::string, int64_t> next_offset_;
};

inline std::shared_ptr<arrow::Table> ReadDelta(const std::string& uri) {
  auto table = delta::Table::Open(uri);
  EXPECT_TRUE(table.ok()) << table.status();
  if (!table.ok()) return nullptr;
  auto data = delta::ScanToTable((*table)->store(), *(*table)->snapshot(), {});
  EXPECT_TRUE(data.ok()) << data.status();
  return data.ok() ? *data : nullptr;
}

// Each row as "col=value|..." over `columns` (doubles to 6 decimals, since
// sums in another order differ in the last bits), sorted.
inline std::vector<std::string> SortedRows(const arrow::Table& table, const std::vector<std::string>& columns) {
  std::vector<std::string> rows(table.num_rows());
  for (const auto& name : columns) {
    auto column = table.GetColumnByName(name);
    EXPECT_TRUE(column) << "no column " << name;
    if (!column) return {};
    std::vector<std::string> cells(table.num_rows());
    int64_t row = 0;
    for (const auto& chunk : column->chunks()) {
      for (int64_t i = 0; i < chunk->length(); ++i, ++row) {
        if (chunk->IsNull(i)) {
          cells[row] = "null";
          continue;
        }
        auto scalar = *chunk->GetScalar(i);
        if (scalar->type->id() == arrow::Type::DOUBLE) {
          cells[row] = fmt::format("{:.6f}", std::static_pointer_cast<arrow::DoubleScalar>(scalar)->value);
        } else {
          cells[row] = scalar->ToString();
        }
      }
    }
    for (size_t r = 0; r < rows.size(); ++r) rows[r] += name + "=" + cells[r] + "|";
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

inline std::vector<std::string> ColumnNames(const arrow::Table& table) { return table.schema()->field_names(); }

}  // namespace medallion::transform::testing
