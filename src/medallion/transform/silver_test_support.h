// Test helpers: Bronze tables made from generator records, and the default
// suite. Header-only so only the test binary pulls it in.
#pragma once

#include <arrow/api.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "medallion/ingest/bronze_schema.h"
#include "medallion/ingest/kafka_record.h"
#include "medallion/quality/suite_parser.h"

namespace medallion::transform::testing {

inline std::string DefaultSuitePath() {
  return (std::filesystem::path(__FILE__).parent_path() / "../../../config/quality/orders_suite.yaml").lexically_normal();
}

inline quality::Suite DefaultSuite() {
  auto suite = quality::LoadSuiteFile(DefaultSuitePath());
  EXPECT_TRUE(suite.ok()) << suite.status();
  return suite.ok() ? *suite : quality::Suite{};
}

// Bronze rows for `records` at offsets first_offset.. of partition 0,
// ingested at `ingest_time_us`, with a bronze_version column if >= 0.
inline std::shared_ptr<arrow::Table> BronzeTable(const std::vector<ingest::KafkaRecord>& records,
                                                 int64_t ingest_time_us, int64_t first_offset = 0,
                                                 int64_t bronze_version = -1) {
  ingest::BronzeBatchBuilder builder;
  for (size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    ingest::RecordView view;
    view.topic = "orders";
    view.partition = 0;
    view.offset = first_offset + static_cast<int64_t>(i);
    view.timestamp_ms = r.event_time_ms;
    view.key = r.key.data();
    view.key_len = r.key.size();
    view.value = r.value.data();
    view.value_len = r.value.size();
    for (const auto& [k, v] : r.headers) view.headers.emplace_back(k, v);
    EXPECT_TRUE(builder.Append(view).ok());
  }
  auto batch = builder.Finish(ingest_time_us);
  EXPECT_TRUE(batch.ok()) << batch.status();
  auto table = *arrow::Table::FromRecordBatches({*batch});
  if (bronze_version >= 0) {
    auto column = *arrow::MakeArrayFromScalar(arrow::Int64Scalar(bronze_version), table->num_rows());
    table = *table->AddColumn(table->num_columns(), arrow::field("bronze_version", arrow::int64(), false),
                              std::make_shared<arrow::ChunkedArray>(column));
  }
  return table;
}

}  // namespace medallion::transform::testing
