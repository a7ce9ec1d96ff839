#include "medallion/orchestrate/demo_tasks.h"

#include <arrow/api.h>
#include <fmt/format.h>

#include "medallion/common/arrow_status.h"
#include "medallion/delta/predicate.h"
#include "medallion/delta/table.h"
#include "medallion/orchestrate/daily_tasks.h"
#include "medallion/orchestrate/logical_date.h"
#include "medallion/orchestrate/sensor.h"

namespace medallion::orchestrate {

namespace {

constexpr const char* kBronze = "demo/bronze_events";
constexpr const char* kSilver = "demo/silver_daily";

Result<std::shared_ptr<delta::Table>> OpenOrCreate(const TaskContext& ctx, const char* table,
                                                   std::shared_ptr<arrow::Schema> schema) {
  MEDALLION_ASSIGN_OR_RETURN(auto store, storage::OpenObjectStore(ResolveTableUri(ctx, table)));
  delta::CreateOptions options;
  options.schema = std::move(schema);
  options.partition_columns = {"day"};
  return delta::Table::OpenOrCreate(store, options);
}

// The rows of `table` for the context's logical date.
Result<std::shared_ptr<arrow::Table>> ReadDay(const TaskContext& ctx, const char* table) {
  MEDALLION_ASSIGN_OR_RETURN(auto t, delta::Table::Open(ResolveTableUri(ctx, table)));
  auto snapshot = t->snapshot();
  delta::ScanOptions options;
  MEDALLION_ASSIGN_OR_RETURN(options.filter,
                             delta::ParsePredicate(fmt::format("day = '{}'", ctx.logical_date), *snapshot->schema()));
  return delta::ScanToTable(t->store(), *snapshot, options);
}

Status Ingest(const TaskContext& ctx) {
  MEDALLION_ASSIGN_OR_RETURN(auto date, ParseLogicalDate(ctx.logical_date));
  auto schema = arrow::schema({arrow::field("day", arrow::utf8()), arrow::field("hour", arrow::int64()),
                               arrow::field("amount", arrow::float64())});
  arrow::StringBuilder days;
  arrow::Int64Builder hours;
  arrow::DoubleBuilder amounts;
  for (int hour = 0; hour < kDemoEventsPerDay; ++hour) {
    MEDALLION_RETURN_IF_ARROW_ERROR(days.Append(ctx.logical_date));
    MEDALLION_RETURN_IF_ARROW_ERROR(hours.Append(hour));
    MEDALLION_RETURN_IF_ARROW_ERROR(amounts.Append(hour + static_cast<unsigned>(date.day()) / 100.0));
  }
  std::shared_ptr<arrow::Array> a, b, c;
  MEDALLION_RETURN_IF_ARROW_ERROR(days.Finish(&a));
  MEDALLION_RETURN_IF_ARROW_ERROR(hours.Finish(&b));
  MEDALLION_RETURN_IF_ARROW_ERROR(amounts.Finish(&c));
  MEDALLION_ASSIGN_OR_RETURN(auto table, OpenOrCreate(ctx, kBronze, schema));
  MEDALLION_RETURN_IF_ERROR(ctx.cancel.Check());
  // Overwrite, not append: a retried or forced run replaces the day.
  MEDALLION_ASSIGN_OR_RETURN(auto written, table->OverwritePartitions(arrow::Table::Make(schema, {a, b, c})));
  ctx.log.Info("wrote {} events for {} to {} at version {}", written.num_rows, ctx.logical_date, table->uri(),
               written.version);
  return Status::OK();
}

Status Aggregate(const TaskContext& ctx) {
  MEDALLION_ASSIGN_OR_RETURN(auto rows, ReadDay(ctx, kBronze));
  if (rows->num_rows() == 0) return Status::NotFound(fmt::format("{} has no rows for day {}", kBronze, ctx.logical_date));
  double total = 0;
  auto column = rows->GetColumnByName("amount");
  if (column == nullptr) return Status::Corruption(fmt::format("{} has no column 'amount'", kBronze));
  for (const auto& chunk : column->chunks()) {
    const auto& values = static_cast<const arrow::DoubleArray&>(*chunk);
    for (int64_t i = 0; i < values.length(); ++i) {
      if (values.IsValid(i)) total += values.Value(i);
    }
  }
  auto schema = arrow::schema({arrow::field("day", arrow::utf8()), arrow::field("events", arrow::int64()),
                               arrow::field("total_amount", arrow::float64())});
  arrow::StringBuilder day;
  arrow::Int64Builder events;
  arrow::DoubleBuilder totals;
  MEDALLION_RETURN_IF_ARROW_ERROR(day.Append(ctx.logical_date));
  MEDALLION_RETURN_IF_ARROW_ERROR(events.Append(rows->num_rows()));
  MEDALLION_RETURN_IF_ARROW_ERROR(totals.Append(total));
  std::shared_ptr<arrow::Array> a, b, c;
  MEDALLION_RETURN_IF_ARROW_ERROR(day.Finish(&a));
  MEDALLION_RETURN_IF_ARROW_ERROR(events.Finish(&b));
  MEDALLION_RETURN_IF_ARROW_ERROR(totals.Finish(&c));
  MEDALLION_ASSIGN_OR_RETURN(auto table, OpenOrCreate(ctx, kSilver, schema));
  MEDALLION_ASSIGN_OR_RETURN(auto written, table->OverwritePartitions(arrow::Table::Make(schema, {a, b, c})));
  ctx.log.Info("{}: {} events, total {:.2f} -> {} version {}", ctx.logical_date, rows->num_rows(), total,
               table->uri(), written.version);
  return Status::OK();
}

Status Check(const TaskContext& ctx) {
  MEDALLION_ASSIGN_OR_RETURN(auto rows, ReadDay(ctx, kSilver));
  if (rows->num_rows() != 1) {
    return Status::DataLoss(
        fmt::format("{} has {} rows for day {}, expected exactly 1", kSilver, rows->num_rows(), ctx.logical_date));
  }
  auto events = std::static_pointer_cast<arrow::Int64Array>(rows->GetColumnByName("events")->chunk(0));
  if (events->Value(0) != kDemoEventsPerDay) {
    return Status::DataLoss(fmt::format("{} day {}: {} events, expected {}", kSilver, ctx.logical_date,
                                        events->Value(0), kDemoEventsPerDay));
  }
  ctx.log.Info("{} day {}: {} events, as expected", kSilver, ctx.logical_date, events->Value(0));
  return Status::OK();
}

// The daily tasks' retries, with a shorter first delay and timeout: these
// tasks take milliseconds.
Task Make(std::string description, TaskFn fn) {
  Task task = DailyTask("", std::move(description), std::move(fn));
  task.retry.initial_delay = std::chrono::seconds(1);
  task.timeout = std::chrono::minutes(5);
  return task;
}

}  // namespace

void RegisterDemoTasks(TaskRegistry& registry) {
  registry.Replace("demo_ingest", [] { return Make("write the day's hourly events to demo/bronze_events", Ingest); });
  registry.Replace("demo_wait_bronze", [] {
    SensorOptions options;
    options.poke_interval = std::chrono::milliseconds(200);
    options.timeout = std::chrono::minutes(2);
    Task task = Make("sensor: demo/bronze_events has a new version",
                     MakeSensor("a new version of demo/bronze_events", DeltaTableHasNewVersion(kBronze), options));
    task.retry.retries = 0;
    return task;
  });
  registry.Replace("demo_silver", [] { return Make("aggregate the day into demo/silver_daily", Aggregate); });
  registry.Replace("demo_check", [] { return Make("check demo/silver_daily has the day with 24 events", Check); });
}

}  // namespace medallion::orchestrate
