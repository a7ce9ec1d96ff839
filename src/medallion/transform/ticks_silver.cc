#include "medallion/transform/ticks_silver.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <arrow/util/value_parsing.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <cmath>

#include "medallion/common/arrow_status.h"
#include "medallion/delta/schema.h"
#include "medallion/transform/silver_job.h"
#include "medallion/transform/silver_schema.h"
#include "medallion/transform/stream_tail.h"
#include "medallion/transform/table_open.h"

namespace medallion::transform {

namespace {

constexpr int64_t kMicrosPerDay = 86'400'000'000LL;

int32_t DayOfMicros(int64_t us) {
  return static_cast<int32_t>(us >= 0 ? us / kMicrosPerDay : -((-us + kMicrosPerDay - 1) / kMicrosPerDay));
}

void Fail(std::vector<RuleFailure>* failures, const char* rule, std::string reason) {
  failures->push_back({rule, reason + " (" + rule + ")"});
}

template <typename T>
Result<std::shared_ptr<T>> BronzeColumn(const arrow::Table& table, const std::string& name) {
  auto column = table.GetColumnByName(name);
  if (!column) return Status::InvalidArgument(fmt::format("Bronze ticks have no column '{}'", name));
  MEDALLION_ASSIGN_OR_RETURN_ARROW(auto flat, arrow::Concatenate(column->chunks()));
  auto typed = std::dynamic_pointer_cast<T>(flat);
  if (!typed) return Status::InvalidArgument(fmt::format("Bronze column '{}' has type {}", name, flat->type()->ToString()));
  return typed;
}

Result<std::shared_ptr<arrow::Table>> Take(const std::shared_ptr<arrow::Table>& table, const std::vector<int64_t>& rows) {
  arrow::Int64Builder indices;
  MEDALLION_RETURN_IF_ARROW_ERROR(indices.AppendValues(rows));
  MEDALLION_ASSIGN_OR_RETURN_ARROW(auto index_array, indices.Finish());
  MEDALLION_ASSIGN_OR_RETURN_ARROW(auto taken, arrow::compute::Take(table, index_array));
  return taken.table();
}

}  // namespace

std::shared_ptr<arrow::Schema> SilverTicksSchema() {
  static const auto kSchema = [] {
    auto ts = arrow::timestamp(arrow::TimeUnit::MICRO, "UTC");
    arrow::FieldVector fields{
        arrow::field("symbol", arrow::utf8(), false),
        arrow::field("ts", ts, false),
        arrow::field("price", arrow::float64(), false),
        arrow::field("volume", arrow::int64(), false),
    };
    for (auto& field : SilverLineageFields()) fields.push_back(std::move(field));
    return arrow::schema(std::move(fields));
  }();
  return kSchema;
}

ParsedTick ParseTick(std::string_view value, std::vector<RuleFailure>* failures) {
  ParsedTick tick;
  auto doc = nlohmann::json::parse(value.begin(), value.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    Fail(failures, "json_syntax", "value is not valid JSON");
    return tick;
  }
  if (!doc.is_object()) {
    Fail(failures, "json_object", fmt::format("value is JSON {} but not an object", doc.type_name()));
    return tick;
  }
  for (const auto& [key, _] : doc.items()) {
    if (key != "symbol" && key != "ts" && key != "price" && key != "volume") {
      Fail(failures, "schema_known_fields", fmt::format("{}: not a tick field", key.substr(0, 64)));
    }
  }
  auto field = [&](const char* name) -> const nlohmann::json* {
    auto it = doc.find(name);
    if (it == doc.end() || it->is_null()) {
      Fail(failures, "schema_required_field", fmt::format("{}: missing or null", name));
      return nullptr;
    }
    return &*it;
  };
  if (const auto* symbol = field("symbol")) {
    if (!symbol->is_string() || symbol->get_ref<const std::string&>().empty()) {
      Fail(failures, "schema_field_type", "symbol: expected a non-empty string");
    } else {
      tick.symbol = symbol->get<std::string>();
    }
  }
  if (const auto* ts = field("ts")) {
    bool has_zone = false;
    int64_t us = 0;
    const std::string text = ts->is_string() ? ts->get<std::string>() : std::string();
    if (!ts->is_string() ||
        !arrow::internal::ParseTimestampISO8601(text.data(), text.size(), arrow::TimeUnit::MICRO, &us, &has_zone) ||
        !has_zone) {
      Fail(failures, "schema_timestamp_format", "ts: expected an ISO-8601 timestamp with a UTC offset");
    } else {
      tick.ts_us = us;
    }
  }
  if (const auto* price = field("price")) {
    if (!price->is_number() || !std::isfinite(price->get<double>()) || price->get<double>() <= 0) {
      Fail(failures, "schema_field_type", "price: expected a finite number > 0");
    } else {
      tick.price = price->get<double>();
    }
  }
  if (const auto* volume = field("volume")) {
    if (!(volume->is_number_unsigned() || (volume->is_number_integer() && volume->get<int64_t>() >= 0))) {
      Fail(failures, "schema_field_type", "volume: expected an integer >= 0");
    } else {
      tick.volume = volume->get<int64_t>();
    }
  }
  return tick;
}

Result<TicksSilverBatch> TransformBronzeTicks(const std::shared_ptr<arrow::Table>& bronze) {
  MEDALLION_ASSIGN_OR_RETURN(auto values, BronzeColumn<arrow::BinaryArray>(*bronze, "value"));
  MEDALLION_ASSIGN_OR_RETURN(auto topics, BronzeColumn<arrow::StringArray>(*bronze, "topic"));
  MEDALLION_ASSIGN_OR_RETURN(auto partitions, BronzeColumn<arrow::Int32Array>(*bronze, "partition"));
  MEDALLION_ASSIGN_OR_RETURN(auto offsets, BronzeColumn<arrow::Int64Array>(*bronze, "offset"));
  MEDALLION_ASSIGN_OR_RETURN(auto kafka_ts, BronzeColumn<arrow::TimestampArray>(*bronze, "kafka_timestamp"));

  auto ts_type = arrow::timestamp(arrow::TimeUnit::MICRO, "UTC");
  arrow::StringBuilder symbol, topic;
  arrow::TimestampBuilder ts(ts_type, arrow::default_memory_pool()), kafka(ts_type, arrow::default_memory_pool());
  arrow::DoubleBuilder price;
  arrow::Int64Builder volume, offset;
  arrow::Int32Builder partition;
  arrow::Date32Builder event_date;
  std::vector<int64_t> rejected;
  arrow::ListBuilder rules(arrow::default_memory_pool(), std::make_shared<arrow::StringBuilder>());
  auto* rule_values = static_cast<arrow::StringBuilder*>(rules.value_builder());
  arrow::StringBuilder reasons;
  for (int64_t i = 0; i < bronze->num_rows(); ++i) {
    std::vector<RuleFailure> failures;
    ParsedTick tick;
    if (values->IsNull(i)) Fail(&failures, "schema_required_field", "value: null Kafka value");
    else tick = ParseTick(values->GetView(i), &failures);
    if (!failures.empty()) {
      rejected.push_back(i);
      MEDALLION_RETURN_IF_ARROW_ERROR(rules.Append());
      std::string reason;
      for (const auto& f : failures) {
        MEDALLION_RETURN_IF_ARROW_ERROR(rule_values->Append(f.rule));
        reason += (reason.empty() ? "" : "; ") + f.reason;
      }
      MEDALLION_RETURN_IF_ARROW_ERROR(reasons.Append(reason));
      continue;
    }
    MEDALLION_RETURN_IF_ARROW_ERROR(symbol.Append(tick.symbol));
    MEDALLION_RETURN_IF_ARROW_ERROR(ts.Append(tick.ts_us));
    MEDALLION_RETURN_IF_ARROW_ERROR(price.Append(tick.price));
    MEDALLION_RETURN_IF_ARROW_ERROR(volume.Append(tick.volume));
    MEDALLION_RETURN_IF_ARROW_ERROR(topic.Append(topics->GetView(i)));
    MEDALLION_RETURN_IF_ARROW_ERROR(partition.Append(partitions->Value(i)));
    MEDALLION_RETURN_IF_ARROW_ERROR(offset.Append(offsets->Value(i)));
    if (kafka_ts->IsNull(i)) MEDALLION_RETURN_IF_ARROW_ERROR(kafka.AppendNull());
    else MEDALLION_RETURN_IF_ARROW_ERROR(kafka.Append(kafka_ts->Value(i)));
    MEDALLION_RETURN_IF_ARROW_ERROR(event_date.Append(DayOfMicros(tick.ts_us)));
  }
  std::vector<std::shared_ptr<arrow::Array>> arrays;
  for (arrow::ArrayBuilder* b : std::initializer_list<arrow::ArrayBuilder*>{
           &symbol, &ts, &price, &volume, &topic, &partition, &offset, &kafka, &event_date}) {
    MEDALLION_ASSIGN_OR_RETURN_ARROW(auto a, b->Finish());
    arrays.push_back(std::move(a));
  }
  TicksSilverBatch out;
  const int64_t rows = arrays[0]->length();
  out.silver = arrow::Table::Make(SilverTicksSchema(), arrays, rows);

  MEDALLION_ASSIGN_OR_RETURN_ARROW(auto rules_array, rules.Finish());
  MEDALLION_ASSIGN_OR_RETURN_ARROW(auto reasons_array, reasons.Finish());
  MEDALLION_ASSIGN_OR_RETURN(auto raw, Take(bronze, rejected));
  std::vector<std::shared_ptr<arrow::ChunkedArray>> columns;
  for (const auto& f : QuarantineSchema()->fields()) {
    if (f->name() == "failed_rules") columns.push_back(std::make_shared<arrow::ChunkedArray>(rules_array));
    else if (f->name() == "quarantine_reason") columns.push_back(std::make_shared<arrow::ChunkedArray>(reasons_array));
    else if (auto column = raw->GetColumnByName(f->name())) columns.push_back(column);
    else return Status::InvalidArgument(fmt::format("Bronze ticks have no column '{}'", f->name()));
  }
  out.quarantine = arrow::Table::Make(QuarantineSchema(), columns, static_cast<int64_t>(rejected.size()));
  return out;
}

Result<std::unique_ptr<TicksSilverJob>> TicksSilverJob::Open(const std::string& bronze_uri,
                                                             const std::string& silver_uri,
                                                             std::string quarantine_uri,
                                                             int64_t max_versions_per_batch) {
  if (max_versions_per_batch < 1) return Status::InvalidArgument("max versions per batch must be >= 1");
  if (quarantine_uri.empty()) quarantine_uri = DefaultQuarantineUri(silver_uri);
  auto bronze = delta::Table::Open(bronze_uri);
  if (!bronze.ok()) return bronze.status().WithContext("Bronze ticks table");
  MEDALLION_ASSIGN_OR_RETURN(auto silver, OpenOrCreateTable(silver_uri, SilverTicksSchema(), {kSilverPartitionColumn}));
  MEDALLION_ASSIGN_OR_RETURN(auto quarantine, OpenOrCreateTable(quarantine_uri, QuarantineSchema(), {}));
  return std::unique_ptr<TicksSilverJob>(
      new TicksSilverJob(std::move(*bronze), std::move(silver), std::move(quarantine), max_versions_per_batch));
}

Result<bool> TicksSilverJob::RunBatch(TicksSilverStats* stats) {
  MEDALLION_RETURN_IF_ERROR(silver_->Refresh().status());
  MEDALLION_RETURN_IF_ERROR(quarantine_->Refresh().status());
  const std::optional<int64_t> silver_txn = silver_->snapshot()->TxnVersion(kAppId);
  const std::optional<int64_t> quarantine_txn = quarantine_->snapshot()->TxnVersion(kAppId);
  const int64_t start = silver_txn.value_or(-1);
  MEDALLION_ASSIGN_OR_RETURN(auto bronze, bronze_->Refresh());
  const int64_t latest = bronze->version();
  if (latest <= start) return false;
  int64_t end = std::min(latest, start + max_versions_per_batch_);
  // The quarantine commit of a batch whose Silver commit was lost: redo
  // exactly that batch so the quarantine is not written twice.
  if (quarantine_txn.value_or(-1) > start) end = std::min(*quarantine_txn, latest);

  MEDALLION_ASSIGN_OR_RETURN(auto rows, ReadAddedRows(*bronze_, *bronze, start, end, "bronze_version"));
  auto batch = TransformBronzeTicks(rows);
  if (!batch.ok()) return batch.status().WithContext(fmt::format("Bronze ticks versions {}..{}", start + 1, end));
  auto txn = [&](std::optional<int64_t> expected) {
    delta::WriteOptions options;
    options.txns.push_back(delta::Txn{kAppId, end, std::nullopt});
    options.expected_txns[kAppId] = expected;
    return options;
  };
  if (batch->quarantine->num_rows() > 0 && quarantine_txn.value_or(-1) < end) {
    auto written = quarantine_->Append(batch->quarantine, txn(quarantine_txn));
    if (!written.ok()) return written.status().WithContext("ticks quarantine " + quarantine_->uri());
  }
  auto written = silver_->Append(batch->silver, txn(silver_txn));
  if (!written.ok()) return written.status().WithContext("Silver ticks " + silver_->uri());
  stats->batches++;
  stats->bronze_rows += rows->num_rows();
  stats->silver_rows += batch->silver->num_rows();
  stats->quarantined += batch->quarantine->num_rows();
  stats->bronze_version = end;
  spdlog::debug("silver ticks: Bronze versions {}..{}: {} rows -> {} Silver, {} quarantined", start + 1, end,
                rows->num_rows(), batch->silver->num_rows(), batch->quarantine->num_rows());
  return true;
}

}  // namespace medallion::transform
