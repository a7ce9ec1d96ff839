#include "medallion/transform/silver_batch.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <fmt/format.h>

#include "medallion/common/arrow_compute.h"
#include "medallion/common/arrow_status.h"
#include "medallion/quality/row_triage.h"
#include "medallion/transform/currency_rates.h"
#include "medallion/transform/silver_schema.h"

namespace medallion::transform {

namespace {

constexpr int64_t kMicrosPerDay = 86'400'000'000LL;

int32_t DaysOf(int64_t micros) {
  return static_cast<int32_t>(micros >= 0 ? micros / kMicrosPerDay : -((-micros + kMicrosPerDay - 1) / kMicrosPerDay));
}

// Builders for the typed rows, column for column in SilverOrdersSchema().
struct TypedBuilders {
  std::shared_ptr<arrow::DataType> ts = arrow::timestamp(arrow::TimeUnit::MICRO, "UTC");
  arrow::StringBuilder event_id, event_type;
  arrow::TimestampBuilder event_time{ts, arrow::default_memory_pool()};
  arrow::StringBuilder customer_id, product_id, category, city, country;
  arrow::Int64Builder quantity;
  arrow::DoubleBuilder unit_price;
  arrow::StringBuilder currency;
  arrow::BooleanBuilder promo;
  arrow::StringBuilder store_id;
  arrow::DoubleBuilder total_amount;
  arrow::DoubleBuilder total_amount_usd;  // null: no rate for the currency (quarantined after the suite)
  arrow::StringBuilder topic;
  arrow::Int32Builder partition;
  arrow::Int64Builder offset;
  arrow::TimestampBuilder kafka_timestamp{ts, arrow::default_memory_pool()};
  arrow::Date32Builder event_date;

  arrow::Status Append(const ParsedOrder& o, const CurrencyRates& rates, const arrow::StringArray& topics,
                       const arrow::Int32Array& partitions, const arrow::Int64Array& offsets,
                       const arrow::TimestampArray& kafka_ts, int64_t row) {
    ARROW_RETURN_NOT_OK(event_id.Append(o.event_id));
    ARROW_RETURN_NOT_OK(event_type.Append(o.event_type));
    ARROW_RETURN_NOT_OK(event_time.Append(o.event_time_us));
    ARROW_RETURN_NOT_OK(customer_id.Append(o.customer_id));
    ARROW_RETURN_NOT_OK(product_id.Append(o.product_id));
    ARROW_RETURN_NOT_OK(category.Append(o.category));
    ARROW_RETURN_NOT_OK(city.Append(o.city));
    ARROW_RETURN_NOT_OK(country.Append(o.country));
    ARROW_RETURN_NOT_OK(quantity.Append(o.quantity));
    ARROW_RETURN_NOT_OK(unit_price.Append(o.unit_price));
    ARROW_RETURN_NOT_OK(currency.Append(o.currency));
    ARROW_RETURN_NOT_OK(promo.Append(o.promo));
    ARROW_RETURN_NOT_OK(store_id.Append(o.store_id));
    const double amount = static_cast<double>(o.quantity) * o.unit_price;
    ARROW_RETURN_NOT_OK(total_amount.Append(amount));
    if (auto usd = rates.ToUsd(o.currency, amount)) ARROW_RETURN_NOT_OK(total_amount_usd.Append(*usd));
    else ARROW_RETURN_NOT_OK(total_amount_usd.AppendNull());
    ARROW_RETURN_NOT_OK(topic.Append(topics.GetView(row)));
    ARROW_RETURN_NOT_OK(partition.Append(partitions.Value(row)));
    ARROW_RETURN_NOT_OK(offset.Append(offsets.Value(row)));
    if (kafka_ts.IsNull(row)) ARROW_RETURN_NOT_OK(kafka_timestamp.AppendNull());
    else ARROW_RETURN_NOT_OK(kafka_timestamp.Append(kafka_ts.Value(row)));
    return event_date.Append(DaysOf(o.event_time_us));
  }

  arrow::Result<std::shared_ptr<arrow::RecordBatch>> Finish() {
    std::vector<std::shared_ptr<arrow::Array>> arrays;
    arrow::ArrayBuilder* all[] = {&event_id, &event_type, &event_time, &customer_id, &product_id,
                                  &category, &city,       &country,    &quantity,    &unit_price,
                                  &currency, &promo,      &store_id,   &total_amount, &total_amount_usd,
                                  &topic,    &partition,  &offset,     &kafka_timestamp, &event_date};
    for (auto* b : all) {
      std::shared_ptr<arrow::Array> a;
      ARROW_RETURN_NOT_OK(b->Finish(&a));
      arrays.push_back(std::move(a));
    }
    const int64_t rows = arrays[0]->length();
    return arrow::RecordBatch::Make(SilverOrdersSchema(), rows, std::move(arrays));
  }
};

template <typename T>
Result<std::shared_ptr<T>> Column(const arrow::RecordBatch& batch, const std::string& name) {
  auto column = batch.GetColumnByName(name);
  if (!column) return Status::InvalidArgument(fmt::format("Bronze batch has no column '{}'", name));
  auto typed = std::dynamic_pointer_cast<T>(column);
  if (!typed) {
    return Status::InvalidArgument(
        fmt::format("Bronze column '{}' has type {}", name, column->type()->ToString()));
  }
  return typed;
}

Result<std::shared_ptr<arrow::Table>> TakeRows(const std::shared_ptr<arrow::RecordBatch>& batch,
                                               const std::vector<int64_t>& rows) {
  arrow::Int64Builder indices;
  MEDALLION_RETURN_IF_ARROW_ERROR(indices.AppendValues(rows));
  std::shared_ptr<arrow::Array> index_array;
  MEDALLION_RETURN_IF_ARROW_ERROR(indices.Finish(&index_array));
  MEDALLION_ASSIGN_OR_RETURN_ARROW(auto taken, arrow::compute::Take(batch, index_array));
  return FromArrow(arrow::Table::FromRecordBatches({taken.record_batch()}));
}

// A medallion stage reported as one more expectation in the GE result.
quality::ExpectationResult StageResult(const std::string& type, int64_t elements,
                                       const std::vector<int64_t>& unexpected_rows) {
  quality::ExpectationResult r;
  r.expectation.type = type;
  r.expectation.kwargs = quality::Json::object();
  r.expectation.action = quality::Action::kQuarantine;
  r.success = unexpected_rows.empty();
  r.element_count = elements;
  r.unexpected_count = static_cast<int64_t>(unexpected_rows.size());
  r.unexpected_percent = elements == 0 ? 0.0 : 100.0 * static_cast<double>(unexpected_rows.size()) / elements;
  r.partial_unexpected_list = quality::Json::array();
  r.row_level = true;
  r.unexpected_rows = unexpected_rows;
  return r;
}

}  // namespace

Result<SilverBatch> TransformBronze(const std::shared_ptr<arrow::Table>& bronze, const quality::Suite& suite,
                                    OrderParser& parser, DedupState& dedup, const CurrencyRates& rates,
                                    const quality::ValidateOptions& validate_options) {
  MEDALLION_RETURN_IF_ERROR(EnsureArrowComputeReady());
  MEDALLION_ASSIGN_OR_RETURN_ARROW(auto rows, bronze->CombineChunksToBatch());
  MEDALLION_ASSIGN_OR_RETURN(auto values, Column<arrow::BinaryArray>(*rows, "value"));
  MEDALLION_ASSIGN_OR_RETURN(auto topics, Column<arrow::StringArray>(*rows, "topic"));
  MEDALLION_ASSIGN_OR_RETURN(auto partitions, Column<arrow::Int32Array>(*rows, "partition"));
  MEDALLION_ASSIGN_OR_RETURN(auto offsets, Column<arrow::Int64Array>(*rows, "offset"));
  MEDALLION_ASSIGN_OR_RETURN(auto kafka_ts, Column<arrow::TimestampArray>(*rows, "kafka_timestamp"));
  MEDALLION_ASSIGN_OR_RETURN(auto ingest_ts, Column<arrow::TimestampArray>(*rows, "ingest_time"));

  SilverBatch out;
  out.input_rows = rows->num_rows();
  std::vector<std::vector<RuleFailure>> failures(rows->num_rows());
  std::vector<int64_t> typed_to_bronze;
  std::vector<int64_t> parse_failed_rows;
  TypedBuilders typed;
  for (int64_t i = 0; i < rows->num_rows(); ++i) {
    ParseOutcome parsed;
    if (values->IsNull(i)) {
      parsed.failures.push_back({"json_syntax", "value is null (a Kafka tombstone) (json_syntax)"});
    } else {
      parsed = parser.Parse(values->GetView(i), ingest_ts->IsNull(i) ? 0 : ingest_ts->Value(i));
    }
    if (!parsed.order) {
      failures[i] = std::move(parsed.failures);
      parse_failed_rows.push_back(i);
      continue;
    }
    MEDALLION_RETURN_IF_ARROW_ERROR(typed.Append(*parsed.order, rates, *topics, *partitions, *offsets, *kafka_ts, i));
    typed_to_bronze.push_back(i);
  }
  out.parse_failures = static_cast<int64_t>(parse_failed_rows.size());
  MEDALLION_ASSIGN_OR_RETURN_ARROW(auto typed_batch, typed.Finish());

  MEDALLION_ASSIGN_OR_RETURN(auto validation, quality::Validate(suite, *typed_batch, validate_options));
  MEDALLION_RETURN_IF_ERROR(quality::StopStatus(validation));
  MEDALLION_ASSIGN_OR_RETURN(auto triage, quality::TriageRows(validation, *typed_batch));

  // Rule names for failed_rules carry the column, so a person can group the
  // quarantine by "quantity: expect_column_values_to_be_between(...)".
  std::vector<std::vector<std::string>> suite_rules(static_cast<size_t>(typed_batch->num_rows()));
  for (const auto& r : validation.results) {
    std::string name = r.expectation.Describe();
    if (r.expectation.column) name = *r.expectation.column + ": " + name;
    if (r.row_level && !r.exception_message) {
      for (int64_t row : r.unexpected_rows) suite_rules[static_cast<size_t>(row)].push_back(name);
    } else if (!r.success) {
      for (auto& rules : suite_rules) rules.push_back(name);
    }
  }

  std::vector<int64_t> keep;
  std::vector<int64_t> duplicate_rows;
  std::vector<int64_t> unconvertible_rows;
  auto event_ids = std::static_pointer_cast<arrow::StringArray>(typed_batch->column(0));
  auto event_times = std::static_pointer_cast<arrow::TimestampArray>(typed_batch->column(2));
  auto currencies = std::static_pointer_cast<arrow::StringArray>(typed_batch->GetColumnByName("currency"));
  auto usd_amounts = typed_batch->GetColumnByName("total_amount_usd");
  for (int64_t j = 0; j < typed_batch->num_rows(); ++j) {
    const int64_t i = typed_to_bronze[static_cast<size_t>(j)];
    switch (triage.fate[static_cast<size_t>(j)]) {
      case quality::RowFate::kDrop:
        ++out.dropped;
        break;
      case quality::RowFate::kQuarantine:
        for (const auto& name : suite_rules[static_cast<size_t>(j)]) failures[i].push_back({name, ""});
        if (failures[i].empty()) failures[i].push_back({"suite", ""});
        failures[i].back().reason = triage.reasons[static_cast<size_t>(j)];
        break;
      case quality::RowFate::kKeep: {
        // Before dedup, so a later copy sent after the rate is added is not
        // rejected as a duplicate of a row Silver never took.
        if (usd_amounts->IsNull(j)) {
          failures[i].push_back({"currency_has_usd_rate",
                                 fmt::format("currency '{}' has no rate in {}: add it there (currency_has_usd_rate)",
                                             currencies->GetView(j), rates.source())});
          unconvertible_rows.push_back(j);
          break;
        }
        const std::string id = event_ids->GetString(j);
        if (dedup.SeenOrAccept(id, event_times->Value(j))) {
          failures[i].push_back({"dedup_event_id", fmt::format("event_id '{}' is already in Silver (dedup_event_id)", id)});
          duplicate_rows.push_back(j);
        } else {
          keep.push_back(j);
        }
        break;
      }
    }
  }
  out.duplicates = static_cast<int64_t>(duplicate_rows.size());
  MEDALLION_ASSIGN_OR_RETURN(out.silver, TakeRows(typed_batch, keep));

  // Quarantine: the Bronze rows as they were, in Bronze order.
  std::vector<int64_t> quarantined;
  arrow::ListBuilder rules_builder(arrow::default_memory_pool(), std::make_shared<arrow::StringBuilder>());
  auto* rule_values = static_cast<arrow::StringBuilder*>(rules_builder.value_builder());
  arrow::StringBuilder reason_builder;
  for (int64_t i = 0; i < rows->num_rows(); ++i) {
    if (failures[i].empty()) continue;
    quarantined.push_back(i);
    MEDALLION_RETURN_IF_ARROW_ERROR(rules_builder.Append());
    std::string reason;
    for (const auto& f : failures[i]) {
      MEDALLION_RETURN_IF_ARROW_ERROR(rule_values->Append(f.rule));
      if (f.reason.empty()) continue;
      if (!reason.empty()) reason += "; ";
      reason += f.reason;
    }
    MEDALLION_RETURN_IF_ARROW_ERROR(reason_builder.Append(reason));
  }
  std::shared_ptr<arrow::Array> rules_array, reason_array;
  MEDALLION_RETURN_IF_ARROW_ERROR(rules_builder.Finish(&rules_array));
  MEDALLION_RETURN_IF_ARROW_ERROR(reason_builder.Finish(&reason_array));
  MEDALLION_ASSIGN_OR_RETURN(auto raw, TakeRows(rows, quarantined));
  std::vector<std::shared_ptr<arrow::ChunkedArray>> columns;
  for (const auto& field : QuarantineSchema()->fields()) {
    if (field->name() == "failed_rules") columns.push_back(std::make_shared<arrow::ChunkedArray>(rules_array));
    else if (field->name() == "quarantine_reason") columns.push_back(std::make_shared<arrow::ChunkedArray>(reason_array));
    else {
      auto column = raw->GetColumnByName(field->name());
      if (!column) return Status::InvalidArgument(fmt::format("Bronze batch has no column '{}'", field->name()));
      columns.push_back(column);
    }
  }
  out.quarantine = arrow::Table::Make(QuarantineSchema(), columns, static_cast<int64_t>(quarantined.size()));

  auto& results = validation.results;
  results.insert(results.begin(), StageResult("expect_event_id_to_be_unique_within_horizon",
                                              typed_batch->num_rows(), duplicate_rows));
  results.insert(results.begin(),
                 StageResult("expect_currency_to_have_a_usd_rate", typed_batch->num_rows(), unconvertible_rows));
  results.insert(results.begin(),
                 StageResult("expect_bronze_value_to_be_an_order", rows->num_rows(), parse_failed_rows));
  constexpr int kStageExpectations = 3;
  validation.statistics.evaluated_expectations += kStageExpectations;
  for (int k = 0; k < kStageExpectations; ++k) {
    if (results[k].success) ++validation.statistics.successful_expectations;
    else ++validation.statistics.unsuccessful_expectations, validation.success = false;
  }
  validation.statistics.success_percent =
      100.0 * static_cast<double>(validation.statistics.successful_expectations) /
      static_cast<double>(validation.statistics.evaluated_expectations);
  validation.row_count = rows->num_rows();
  out.validation = std::move(validation);
  return out;
}

}  // namespace medallion::transform
