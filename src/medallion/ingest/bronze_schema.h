// The Bronze shape of a Kafka record, and of a dead letter: what ingest
// stores before anything is parsed, so Bronze can always be replayed.
//
// Bronze:       topic string, partition int32, offset int64,
//               kafka_timestamp timestamp[us, UTC], key binary, value binary,
//               headers map<string, binary>, ingest_time timestamp[us, UTC],
//               ingest_date date32 (the partition column).
// Dead letters: the same coordinates plus value_size, a value prefix, the
//               reason and failed_time / failed_date.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "medallion/common/result.h"

namespace arrow {
class RecordBatch;
class Schema;
}  // namespace arrow

namespace medallion::ingest {

inline constexpr std::string_view kBronzePartitionColumn = "ingest_date";
// Records above this size go to dead letters instead of Bronze: one value
// of hundreds of MiB would blow a batch's memory and Parquet page sizes.
inline constexpr size_t kDefaultMaxValueBytes = 2 << 20;
// How much of a dead letter's value is kept (enough to see what it was).
inline constexpr size_t kDeadLetterValuePrefixBytes = 4096;

std::shared_ptr<arrow::Schema> BronzeSchema();
std::shared_ptr<arrow::Schema> DeadLetterSchema();

// A Kafka record as seen by the builders; pointers stay valid only during
// the Append call. A null key/value pointer is a null column value.
struct RecordView {
  std::string_view topic;
  int32_t partition = 0;
  int64_t offset = 0;
  std::optional<int64_t> timestamp_ms;
  const char* key = nullptr;
  size_t key_len = 0;
  const char* value = nullptr;
  size_t value_len = 0;
  std::vector<std::pair<std::string_view, std::optional<std::string_view>>> headers;
};

class BronzeBatchBuilder {
 public:
  BronzeBatchBuilder();
  ~BronzeBatchBuilder();
  // Sizes the builders for what is about to be appended, so the value
  // buffer (most of a batch) is allocated once instead of regrown.
  Status Reserve(int64_t rows, int64_t topic_bytes, int64_t key_bytes, int64_t value_bytes);
  Status Append(const RecordView& r);
  int64_t num_rows() const { return rows_; }
  // All rows share one ingest_time (and so one ingest_date): the flush time.
  Result<std::shared_ptr<arrow::RecordBatch>> Finish(int64_t ingest_time_us);

 private:
  struct Builders;
  std::unique_ptr<Builders> b_;
  int64_t rows_ = 0;
};

class DeadLetterBuilder {
 public:
  DeadLetterBuilder();
  ~DeadLetterBuilder();
  Status Append(const RecordView& r, std::string_view reason);
  int64_t num_rows() const { return rows_; }
  Result<std::shared_ptr<arrow::RecordBatch>> Finish(int64_t failed_time_us);

 private:
  struct Builders;
  std::unique_ptr<Builders> b_;
  int64_t rows_ = 0;
};

}  // namespace medallion::ingest
