#include "medallion/ingest/bronze_schema.h"

#include <arrow/api.h>

#include "medallion/common/arrow_status.h"
#include "medallion/ingest/recycling_pool.h"

namespace medallion::ingest {

namespace {

constexpr int64_t kMicrosPerDay = 86'400'000'000LL;

std::shared_ptr<arrow::DataType> TimestampUtc() { return arrow::timestamp(arrow::TimeUnit::MICRO, "UTC"); }
std::shared_ptr<arrow::DataType> HeadersType() { return arrow::map(arrow::utf8(), arrow::binary()); }

std::vector<std::shared_ptr<arrow::Field>> CoordinateFields() {
  return {
      arrow::field("topic", arrow::utf8(), false),
      arrow::field("partition", arrow::int32(), false),
      arrow::field("offset", arrow::int64(), false),
      arrow::field("kafka_timestamp", TimestampUtc(), true),
      arrow::field("key", arrow::binary(), true),
  };
}

// The columns both shapes share, appended the same way.
// Batches are built in IngestMemoryPool(): their buffers are the same
// sizes batch after batch, so each reuses the last one's memory.
struct Coordinates {
  arrow::MemoryPool* pool = IngestMemoryPool();
  arrow::StringBuilder topic{pool};
  arrow::Int32Builder partition{pool};
  arrow::Int64Builder offset{pool};
  arrow::TimestampBuilder kafka_timestamp{TimestampUtc(), pool};
  arrow::BinaryBuilder key{pool};
  std::shared_ptr<arrow::StringBuilder> header_keys = std::make_shared<arrow::StringBuilder>(pool);
  std::shared_ptr<arrow::BinaryBuilder> header_values = std::make_shared<arrow::BinaryBuilder>(pool);
  arrow::MapBuilder headers{pool, header_keys, header_values, HeadersType()};

  // The five coordinate columns both shapes start with, into cols[0..4].
  arrow::Status FinishLeading(std::vector<std::shared_ptr<arrow::Array>>& cols) {
    ARROW_RETURN_NOT_OK(topic.Finish(&cols[0]));
    ARROW_RETURN_NOT_OK(partition.Finish(&cols[1]));
    ARROW_RETURN_NOT_OK(offset.Finish(&cols[2]));
    ARROW_RETURN_NOT_OK(kafka_timestamp.Finish(&cols[3]));
    return key.Finish(&cols[4]);
  }

  // Whether the five leading columns have room for `r` without growing:
  // true for every record a batch reserved for.
  bool FitsReserved(const RecordView& r) const {
    return topic.length() < topic.capacity() && partition.length() < partition.capacity() &&
           offset.length() < offset.capacity() && kafka_timestamp.length() < kafka_timestamp.capacity() &&
           key.length() < key.capacity() &&
           static_cast<int64_t>(r.topic.size()) <= topic.value_data_capacity() - topic.value_data_length() &&
           static_cast<int64_t>(r.key_len) <= key.value_data_capacity() - key.value_data_length();
  }

  // Append without capacity checks (each one costs a Status): after
  // FitsReserved, ingest's per-record path.
  void UnsafeAppendLeading(const RecordView& r) {
    topic.UnsafeAppend(r.topic.data(), static_cast<int32_t>(r.topic.size()));
    partition.UnsafeAppend(r.partition);
    offset.UnsafeAppend(r.offset);
    if (r.timestamp_ms) {
      kafka_timestamp.UnsafeAppend(*r.timestamp_ms * 1000);
    } else {
      kafka_timestamp.UnsafeAppendNull();
    }
    if (r.key) {
      key.UnsafeAppend(reinterpret_cast<const uint8_t*>(r.key), static_cast<int32_t>(r.key_len));
    } else {
      key.UnsafeAppendNull();
    }
  }

  arrow::Status AppendHeaders(const RecordView& r) {
    ARROW_RETURN_NOT_OK(headers.Append());
    for (const auto& [name, value] : r.headers) {
      ARROW_RETURN_NOT_OK(header_keys->Append(name.data(), static_cast<int32_t>(name.size())));
      if (value) {
        ARROW_RETURN_NOT_OK(header_values->Append(value->data(), static_cast<int32_t>(value->size())));
      } else {
        ARROW_RETURN_NOT_OK(header_values->AppendNull());
      }
    }
    return arrow::Status::OK();
  }

  arrow::Status Append(const RecordView& r) {
    ARROW_RETURN_NOT_OK(topic.Append(r.topic.data(), static_cast<int32_t>(r.topic.size())));
    ARROW_RETURN_NOT_OK(partition.Append(r.partition));
    ARROW_RETURN_NOT_OK(offset.Append(r.offset));
    if (r.timestamp_ms) {
      ARROW_RETURN_NOT_OK(kafka_timestamp.Append(*r.timestamp_ms * 1000));
    } else {
      ARROW_RETURN_NOT_OK(kafka_timestamp.AppendNull());
    }
    if (r.key) {
      ARROW_RETURN_NOT_OK(key.Append(reinterpret_cast<const uint8_t*>(r.key), static_cast<int32_t>(r.key_len)));
    } else {
      ARROW_RETURN_NOT_OK(key.AppendNull());
    }
    return AppendHeaders(r);
  }
};

arrow::Status AppendRepeated(arrow::TimestampBuilder& b, int64_t v, int64_t n) {
  ARROW_RETURN_NOT_OK(b.Reserve(n));
  for (int64_t i = 0; i < n; ++i) b.UnsafeAppend(v);
  return arrow::Status::OK();
}

arrow::Status AppendRepeated(arrow::Date32Builder& b, int32_t v, int64_t n) {
  ARROW_RETURN_NOT_OK(b.Reserve(n));
  for (int64_t i = 0; i < n; ++i) b.UnsafeAppend(v);
  return arrow::Status::OK();
}

int32_t DateOf(int64_t time_us) {
  int64_t day = time_us / kMicrosPerDay;
  if (time_us % kMicrosPerDay < 0) --day;
  return static_cast<int32_t>(day);
}

}  // namespace

std::shared_ptr<arrow::Schema> BronzeSchema() {
  auto fields = CoordinateFields();
  fields.push_back(arrow::field("value", arrow::binary(), true));
  fields.push_back(arrow::field("headers", HeadersType(), true));
  fields.push_back(arrow::field("ingest_time", TimestampUtc(), false));
  fields.push_back(arrow::field(std::string(kBronzePartitionColumn), arrow::date32(), false));
  return arrow::schema(fields);
}

std::shared_ptr<arrow::Schema> DeadLetterSchema() {
  auto fields = CoordinateFields();
  fields.push_back(arrow::field("value_prefix", arrow::binary(), true));
  fields.push_back(arrow::field("value_size", arrow::int64(), false));
  fields.push_back(arrow::field("headers", HeadersType(), true));
  fields.push_back(arrow::field("reason", arrow::utf8(), false));
  fields.push_back(arrow::field("failed_time", TimestampUtc(), false));
  fields.push_back(arrow::field("failed_date", arrow::date32(), false));
  return arrow::schema(fields);
}

struct BronzeBatchBuilder::Builders {
  Coordinates coords;
  arrow::BinaryBuilder value{coords.pool};
  arrow::TimestampBuilder ingest_time{TimestampUtc(), coords.pool};
  arrow::Date32Builder ingest_date{coords.pool};
};

BronzeBatchBuilder::BronzeBatchBuilder() : b_(std::make_unique<Builders>()) {}
BronzeBatchBuilder::~BronzeBatchBuilder() = default;

Status BronzeBatchBuilder::Reserve(int64_t rows, int64_t topic_bytes, int64_t key_bytes, int64_t value_bytes) {
  auto& c = b_->coords;
  MEDALLION_RETURN_IF_ARROW_ERROR(c.topic.Reserve(rows));
  MEDALLION_RETURN_IF_ARROW_ERROR(c.topic.ReserveData(topic_bytes));
  MEDALLION_RETURN_IF_ARROW_ERROR(c.partition.Reserve(rows));
  MEDALLION_RETURN_IF_ARROW_ERROR(c.offset.Reserve(rows));
  MEDALLION_RETURN_IF_ARROW_ERROR(c.kafka_timestamp.Reserve(rows));
  MEDALLION_RETURN_IF_ARROW_ERROR(c.key.Reserve(rows));
  MEDALLION_RETURN_IF_ARROW_ERROR(c.key.ReserveData(key_bytes));
  MEDALLION_RETURN_IF_ARROW_ERROR(c.headers.Reserve(rows));
  MEDALLION_RETURN_IF_ARROW_ERROR(b_->value.Reserve(rows));
  MEDALLION_RETURN_IF_ARROW_ERROR(b_->value.ReserveData(value_bytes));
  return Status::OK();
}

Status BronzeBatchBuilder::Append(const RecordView& r) {
  auto& value = b_->value;
  if (b_->coords.FitsReserved(r) && value.length() < value.capacity() &&
      static_cast<int64_t>(r.value_len) <= value.value_data_capacity() - value.value_data_length()) {
    b_->coords.UnsafeAppendLeading(r);
    MEDALLION_RETURN_IF_ARROW_ERROR(b_->coords.AppendHeaders(r));
    if (r.value) {
      value.UnsafeAppend(reinterpret_cast<const uint8_t*>(r.value), static_cast<int32_t>(r.value_len));
    } else {
      value.UnsafeAppendNull();
    }
    ++rows_;
    return Status::OK();
  }
  MEDALLION_RETURN_IF_ARROW_ERROR(b_->coords.Append(r));
  if (r.value) {
    MEDALLION_RETURN_IF_ARROW_ERROR(
        b_->value.Append(reinterpret_cast<const uint8_t*>(r.value), static_cast<int32_t>(r.value_len)));
  } else {
    MEDALLION_RETURN_IF_ARROW_ERROR(b_->value.AppendNull());
  }
  ++rows_;
  return Status::OK();
}

Result<std::shared_ptr<arrow::RecordBatch>> BronzeBatchBuilder::Finish(int64_t ingest_time_us) {
  MEDALLION_RETURN_IF_ARROW_ERROR(AppendRepeated(b_->ingest_time, ingest_time_us, rows_));
  MEDALLION_RETURN_IF_ARROW_ERROR(AppendRepeated(b_->ingest_date, DateOf(ingest_time_us), rows_));
  std::vector<std::shared_ptr<arrow::Array>> cols(9);
  auto& c = b_->coords;
  MEDALLION_RETURN_IF_ARROW_ERROR(c.FinishLeading(cols));
  MEDALLION_RETURN_IF_ARROW_ERROR(b_->value.Finish(&cols[5]));
  MEDALLION_RETURN_IF_ARROW_ERROR(c.headers.Finish(&cols[6]));
  MEDALLION_RETURN_IF_ARROW_ERROR(b_->ingest_time.Finish(&cols[7]));
  MEDALLION_RETURN_IF_ARROW_ERROR(b_->ingest_date.Finish(&cols[8]));
  const int64_t n = rows_;
  b_ = std::make_unique<Builders>();
  rows_ = 0;
  return arrow::RecordBatch::Make(BronzeSchema(), n, std::move(cols));
}

struct DeadLetterBuilder::Builders {
  Coordinates coords;
  arrow::BinaryBuilder value_prefix;
  arrow::Int64Builder value_size;
  arrow::StringBuilder reason;
  arrow::TimestampBuilder failed_time{TimestampUtc(), arrow::default_memory_pool()};
  arrow::Date32Builder failed_date;
};

DeadLetterBuilder::DeadLetterBuilder() : b_(std::make_unique<Builders>()) {}
DeadLetterBuilder::~DeadLetterBuilder() = default;

Status DeadLetterBuilder::Append(const RecordView& r, std::string_view reason) {
  MEDALLION_RETURN_IF_ARROW_ERROR(b_->coords.Append(r));
  if (r.value) {
    const size_t n = std::min(r.value_len, kDeadLetterValuePrefixBytes);
    MEDALLION_RETURN_IF_ARROW_ERROR(b_->value_prefix.Append(reinterpret_cast<const uint8_t*>(r.value), n));
  } else {
    MEDALLION_RETURN_IF_ARROW_ERROR(b_->value_prefix.AppendNull());
  }
  MEDALLION_RETURN_IF_ARROW_ERROR(b_->value_size.Append(static_cast<int64_t>(r.value_len)));
  MEDALLION_RETURN_IF_ARROW_ERROR(b_->reason.Append(reason.data(), static_cast<int32_t>(reason.size())));
  ++rows_;
  return Status::OK();
}

Result<std::shared_ptr<arrow::RecordBatch>> DeadLetterBuilder::Finish(int64_t failed_time_us) {
  MEDALLION_RETURN_IF_ARROW_ERROR(AppendRepeated(b_->failed_time, failed_time_us, rows_));
  MEDALLION_RETURN_IF_ARROW_ERROR(AppendRepeated(b_->failed_date, DateOf(failed_time_us), rows_));
  std::vector<std::shared_ptr<arrow::Array>> cols(11);
  auto& c = b_->coords;
  MEDALLION_RETURN_IF_ARROW_ERROR(c.FinishLeading(cols));
  MEDALLION_RETURN_IF_ARROW_ERROR(b_->value_prefix.Finish(&cols[5]));
  MEDALLION_RETURN_IF_ARROW_ERROR(b_->value_size.Finish(&cols[6]));
  MEDALLION_RETURN_IF_ARROW_ERROR(c.headers.Finish(&cols[7]));
  MEDALLION_RETURN_IF_ARROW_ERROR(b_->reason.Finish(&cols[8]));
  MEDALLION_RETURN_IF_ARROW_ERROR(b_->failed_time.Finish(&cols[9]));
  MEDALLION_RETURN_IF_ARROW_ERROR(b_->failed_date.Finish(&cols[10]));
  const int64_t n = rows_;
  b_ = std::make_unique<Builders>();
  rows_ = 0;
  return arrow::RecordBatch::Make(DeadLetterSchema(), n, std::move(cols));
}

}  // namespace medallion::ingest
