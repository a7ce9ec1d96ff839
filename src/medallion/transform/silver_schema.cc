#include "medallion/transform/silver_schema.h"

#include <arrow/api.h>

#include "medallion/ingest/bronze_schema.h"

namespace medallion::transform {

arrow::FieldVector SilverLineageFields() {
  return {
      arrow::field("topic", arrow::utf8(), false),
      arrow::field("partition", arrow::int32(), false),
      arrow::field("offset", arrow::int64(), false),
      arrow::field("kafka_timestamp", arrow::timestamp(arrow::TimeUnit::MICRO, "UTC"), true),
      arrow::field(kSilverPartitionColumn, arrow::date32(), false),
  };
}

std::shared_ptr<arrow::Schema> SilverOrdersSchema() {
  static const auto kSchema = [] {
    auto ts = arrow::timestamp(arrow::TimeUnit::MICRO, "UTC");
    arrow::FieldVector fields{
        arrow::field("event_id", arrow::utf8(), false),
        arrow::field("event_type", arrow::utf8(), false),
        arrow::field("event_time", ts, false),
        arrow::field("customer_id", arrow::utf8(), false),
        arrow::field("product_id", arrow::utf8(), false),
        arrow::field("category", arrow::utf8(), false),
        arrow::field("city", arrow::utf8(), false),
        arrow::field("country", arrow::utf8(), false),
        arrow::field("quantity", arrow::int64(), false),
        arrow::field("unit_price", arrow::float64(), false),
        arrow::field("currency", arrow::utf8(), false),
        arrow::field("promo", arrow::boolean(), false),
        arrow::field("store_id", arrow::utf8(), false),
        arrow::field("total_amount", arrow::float64(), false),
        arrow::field("total_amount_usd", arrow::float64(), false),
    };
    for (auto& field : SilverLineageFields()) fields.push_back(std::move(field));
    return arrow::schema(std::move(fields));
  }();
  return kSchema;
}

std::shared_ptr<arrow::Schema> QuarantineSchema() {
  static const auto kSchema = [] {
    auto fields = ingest::BronzeSchema()->fields();
    // Quarantine rows keep every Bronze column but are not partitioned by
    // ingest_date: a person looks at them by rule, not by day.
    fields.push_back(arrow::field("bronze_version", arrow::int64(), false));
    fields.push_back(arrow::field("failed_rules", arrow::list(arrow::utf8()), false));
    fields.push_back(arrow::field("quarantine_reason", arrow::utf8(), false));
    return arrow::schema(fields);
  }();
  return kSchema;
}

}  // namespace medallion::transform
