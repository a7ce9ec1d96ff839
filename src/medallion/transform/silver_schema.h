// The typed shape of Silver orders and of their quarantine.
//
// Silver:     the generator's event fields typed (event_time a UTC
//             microsecond timestamp, quantity long, unit_price double, promo
//             boolean), total_amount = quantity * unit_price in the order's
//             currency, total_amount_usd (the same in US dollars, the
//             reporting currency every Gold sum uses; currency_rates.h), the
//             Kafka coordinates the row came from, and event_date (the partition).
// Quarantine: the Bronze row untouched (raw value, key, headers, Kafka
//             coordinates, ingest_time), the Bronze version it was read from,
//             every rule it failed and one sentence a person can act on.
#pragma once

#include <arrow/type_fwd.h>

#include <memory>

namespace medallion::transform {

inline constexpr char kSilverPartitionColumn[] = "event_date";

// The columns every Silver table ends with: the Kafka coordinates of the
// Bronze record a row came from (topic, partition, offset, kafka_timestamp)
// and the event_date partition.
arrow::FieldVector SilverLineageFields();

std::shared_ptr<arrow::Schema> SilverOrdersSchema();
std::shared_ptr<arrow::Schema> QuarantineSchema();

}  // namespace medallion::transform
