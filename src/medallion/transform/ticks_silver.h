// Bronze ticks -> silver/ticks: {"symbol","ts","price","volume"} typed, with
// the Kafka coordinates kept, partitioned by event_date (UTC date of ts).
// A value that is not such an object goes to silver/ticks_quarantine
// (QuarantineSchema(): the Bronze row, rule names and a reason), never lost.
//
// Rules: json_syntax, json_object, schema_required_field, schema_known_fields,
// schema_field_type (symbol a non-empty string, price a finite number > 0,
// volume an integer >= 0), schema_timestamp_format (ts ISO-8601 with offset).
//
// Progress and exactly-once follow SilverJob (silver_job.h): txn
// silver-ticks = last Bronze version consumed, quarantine committed first,
// Silver last with the expected txn; a restart whose quarantine txn is ahead
// of Silver's re-runs exactly that batch (ticks are not deduplicated: Bronze
// is exactly-once and a tick has no event id, so the output is a pure
// function of the Bronze versions).
#pragma once

#include <arrow/type_fwd.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "medallion/common/result.h"
#include "medallion/delta/table.h"
#include "medallion/transform/silver_parser.h"

namespace medallion::transform {

// symbol, ts timestamp[us, UTC], price, volume, topic, partition, offset,
// kafka_timestamp, event_date (partition).
std::shared_ptr<arrow::Schema> SilverTicksSchema();

struct ParsedTick {
  std::string symbol;
  int64_t ts_us = 0;
  double price = 0;
  int64_t volume = 0;
};

// One Bronze value; `failures` empty on success.
ParsedTick ParseTick(std::string_view value, std::vector<RuleFailure>* failures);

struct TicksSilverBatch {
  std::shared_ptr<arrow::Table> silver;      // SilverTicksSchema()
  std::shared_ptr<arrow::Table> quarantine;  // QuarantineSchema()
};

// `bronze`: Bronze rows plus an int64 `bronze_version` column.
Result<TicksSilverBatch> TransformBronzeTicks(const std::shared_ptr<arrow::Table>& bronze);

struct TicksSilverStats {
  int64_t batches = 0;
  int64_t bronze_rows = 0;
  int64_t silver_rows = 0;
  int64_t quarantined = 0;
  int64_t bronze_version = -1;
};

class TicksSilverJob {
 public:
  static constexpr const char* kAppId = "silver-ticks";

  // Bronze must exist; Silver and quarantine are created if absent
  // (quarantine default: <silver>_quarantine).
  static Result<std::unique_ptr<TicksSilverJob>> Open(const std::string& bronze_uri, const std::string& silver_uri,
                                                      std::string quarantine_uri = "",
                                                      int64_t max_versions_per_batch = 20);

  // One batch; false when Silver has consumed every Bronze version.
  Result<bool> RunBatch(TicksSilverStats* stats);

  std::shared_ptr<delta::Table> silver() const { return silver_; }

 private:
  TicksSilverJob(std::shared_ptr<delta::Table> bronze, std::shared_ptr<delta::Table> silver,
                 std::shared_ptr<delta::Table> quarantine, int64_t max_versions_per_batch)
      : bronze_(std::move(bronze)),
        silver_(std::move(silver)),
        quarantine_(std::move(quarantine)),
        max_versions_per_batch_(max_versions_per_batch) {}

  std::shared_ptr<delta::Table> bronze_, silver_, quarantine_;
  int64_t max_versions_per_batch_;
};

}  // namespace medallion::transform
