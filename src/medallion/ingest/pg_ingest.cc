#include "medallion/ingest/pg_ingest.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <unordered_map>
#include <unordered_set>

#include "medallion/common/arrow_compute.h"
#include "medallion/common/arrow_status.h"
#include "medallion/common/progress.h"
#include "medallion/delta/schema.h"
#include "medallion/delta/table.h"
#include "medallion/ingest/pg_catalog.h"
#include "medallion/ingest/pg_connection.h"
#include "medallion/ingest/pg_keys.h"
#include "medallion/storage/object_store.h"

namespace medallion::ingest {

namespace {

constexpr const char* kOpColumn = "_op";
constexpr const char* kIngestedAtColumn = "_ingested_at";

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A table, checked and ready to be read.
struct PlannedTable {
  PgTableInfo info;
  const PgColumn* watermark = nullptr;
  std::shared_ptr<arrow::Schema> bronze_schema;
};

Result<PlannedTable> Plan(PgConnection& conn, const PgTableSpec& spec, const PgIngestOptions& options) {
  PlannedTable plan;
  MEDALLION_ASSIGN_OR_RETURN(plan.info, DescribeTable(conn, spec.name));
  const auto& info = plan.info;
  // Decoding is where unsupported types are found; do it before any commit.
  MEDALLION_ASSIGN_OR_RETURN(auto decoder, PgBatchDecoder::Make(info.name, info.columns, options.types));
  if (!spec.watermark.empty()) {
    plan.watermark = info.Find(spec.watermark);
    if (!plan.watermark) {
      return Status::InvalidArgument(fmt::format("watermark column {}.{} does not exist", info.name, spec.watermark));
    }
  } else if (const auto* updated = info.Find("updated_at"); updated && IsWatermarkType(updated->type_oid)) {
    plan.watermark = updated;
  } else if (info.primary_key.size() == 1 && IsWatermarkType(info.Find(info.primary_key[0])->type_oid)) {
    plan.watermark = info.Find(info.primary_key[0]);
  } else {
    return Status::InvalidArgument(fmt::format(
        "table {} has no updated_at column and no single integer primary key: name its watermark column "
        "(--watermark {}=<column>)",
        info.name, info.name));
  }
  if (!IsWatermarkType(plan.watermark->type_oid)) {
    return Status::InvalidArgument(fmt::format("watermark column {}.{} has type {}; use an integer, date or timestamp",
                                               info.name, plan.watermark->name, plan.watermark->type_name));
  }
  arrow::FieldVector fields = decoder->schema()->fields();
  // Tombstones carry only the key, so Bronze columns are nullable.
  for (auto& f : fields) f = f->WithNullable(true);
  fields.push_back(arrow::field(kOpColumn, arrow::utf8(), false));
  fields.push_back(arrow::field(kIngestedAtColumn, arrow::timestamp(arrow::TimeUnit::MICRO, "UTC"), false));
  MEDALLION_ASSIGN_OR_RETURN(plan.bronze_schema, delta::CanonicalSchema(*arrow::schema(fields)));
  return plan;
}

std::string ColumnList(const std::vector<PgColumn>& columns) {
  std::string out;
  for (const auto& c : columns) out += (out.empty() ? "" : ", ") + QuoteIdent(c.name);
  return out;
}

std::string ColumnList(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + QuoteIdent(n);
  return out;
}

Status CheckSameSchema(const std::string& uri, const arrow::Schema& existing, const arrow::Schema& wanted) {
  bool same = existing.num_fields() == wanted.num_fields();
  for (int i = 0; same && i < existing.num_fields(); ++i) {
    same = existing.field(i)->name() == wanted.field(i)->name() &&
           existing.field(i)->type()->Equals(*wanted.field(i)->type());
  }
  if (same) return Status::OK();
  return Status::InvalidArgument(fmt::format("{} has columns [{}] but the source now gives [{}]: the PostgreSQL "
                                             "table changed shape; ingest it into a new lake path",
                                             uri, existing.ToString(false), wanted.ToString(false)));
}

// Bronze rows: the decoded columns plus _op and _ingested_at.
Result<std::shared_ptr<arrow::Table>> WithBronzeColumns(const std::shared_ptr<arrow::RecordBatch>& batch,
                                                        const std::string& op, int64_t ingested_at) {
  arrow::StringBuilder ops;
  arrow::TimestampBuilder stamps(arrow::timestamp(arrow::TimeUnit::MICRO, "UTC"), arrow::default_memory_pool());
  MEDALLION_RETURN_IF_ARROW_ERROR(ops.Reserve(batch->num_rows()));
  MEDALLION_RETURN_IF_ARROW_ERROR(stamps.Reserve(batch->num_rows()));
  for (int64_t i = 0; i < batch->num_rows(); ++i) {
    MEDALLION_RETURN_IF_ARROW_ERROR(ops.Append(op));
    stamps.UnsafeAppend(ingested_at);
  }
  arrow::ArrayVector columns = batch->columns();
  std::shared_ptr<arrow::Array> op_array, stamp_array;
  MEDALLION_RETURN_IF_ARROW_ERROR(ops.Finish(&op_array));
  MEDALLION_RETURN_IF_ARROW_ERROR(stamps.Finish(&stamp_array));
  columns.push_back(op_array);
  columns.push_back(stamp_array);
  arrow::FieldVector fields = batch->schema()->fields();
  fields.push_back(arrow::field(kOpColumn, arrow::utf8()));
  fields.push_back(arrow::field(kIngestedAtColumn, stamp_array->type()));
  return arrow::Table::Make(arrow::schema(fields), columns, batch->num_rows());
}

class TableIngest {
 public:
  TableIngest(PgConnection& conn, const PlannedTable& plan, const PgIngestOptions& options)
      : conn_(conn), plan_(plan), options_(options) {}

  Result<PgTableReport> Run() {
    const auto started = std::chrono::steady_clock::now();
    report_.table = plan_.info.name;
    MEDALLION_ASSIGN_OR_RETURN(
        auto store, storage::OpenObjectStore(storage::JoinPath(
                        options_.lake_root, "bronze/" + BronzeTableName(plan_.info.name))));
    delta::CreateOptions create;
    create.schema = plan_.bronze_schema;
    create.description = fmt::format("PostgreSQL {}.{} (medallion ingest-pg)", conn_.database(), plan_.info.name);
    MEDALLION_ASSIGN_OR_RETURN(table_, delta::Table::OpenOrCreate(store, create));
    report_.bronze_uri = table_->uri();
    MEDALLION_RETURN_IF_ERROR(CheckSameSchema(table_->uri(), *table_->snapshot()->schema(), *plan_.bronze_schema));
    app_id_ = PgAppId(conn_.database(), plan_.info.name);
    watermark_ = table_->snapshot()->TxnVersion(app_id_);

    // One snapshot of the source for the incremental read and the
    // reconciliation, so they agree on what exists.
    MEDALLION_RETURN_IF_ERROR(conn_.Execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
    Status st = ReadChanges();
    if (st.ok() && ReconcileDue()) st = Reconcile();
    auto end = conn_.Execute(st.ok() ? "COMMIT" : "ROLLBACK");
    if (!st.ok()) return st;
    MEDALLION_RETURN_IF_ERROR(end);
    report_.watermark = watermark_;
    report_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return report_;
  }

 private:
  Status ReadChanges() {
    const auto& info = plan_.info;
    const auto& wm = *plan_.watermark;
    std::string where = QuoteIdent(wm.name) + " IS NOT NULL";
    if (watermark_) where += fmt::format(" AND {} > {}", QuoteIdent(wm.name), WatermarkLiteral(wm.type_oid, *watermark_));
    std::string order = QuoteIdent(wm.name);
    for (const auto& k : info.primary_key) {
      if (k != wm.name) order += ", " + QuoteIdent(k);
    }
    std::string sql = fmt::format("COPY (SELECT {} FROM {} WHERE {} ORDER BY {}) TO STDOUT (FORMAT binary)",
                                  ColumnList(info.columns), info.qualified, where, order);
    spdlog::debug("ingest-pg {}: {}", info.name, sql);
    MEDALLION_ASSIGN_OR_RETURN(auto decoder, PgBatchDecoder::Make(info.name, info.columns, options_.types));
    int wm_index = static_cast<int>(&wm - info.columns.data());

    ProgressOptions progress_options;
    progress_options.interactive = options_.interactive_progress;
    Progress progress("ingest-pg " + info.name, -1, "rows", progress_options);
    progress.SetDetail(BronzeTableName(info.name) + (watermark_ ? " (incremental)" : " (snapshot)"));

    MEDALLION_RETURN_IF_ERROR(conn_.StartCopyOut(sql));
    PgCopyRowParser parser;
    std::vector<PgField> fields;
    std::optional<int64_t> batch_max;
    const char* data = nullptr;
    int size = 0;
    while (true) {
      MEDALLION_ASSIGN_OR_RETURN(bool more, conn_.ReadCopyRow(&data, &size));
      if (!more) break;
      MEDALLION_ASSIGN_OR_RETURN(bool row, parser.Parse(data, size, &fields));
      if (!row) continue;  // trailer
      auto value = WatermarkValue(wm.type_oid, fields.at(wm_index));
      if (!value.ok()) return value.status().WithContext(fmt::format("{}.{}", info.name, wm.name));
      // Cut only between distinct watermark values (see pg_ingest.h).
      if (decoder->num_rows() >= options_.batch_rows && batch_max && *value != *batch_max) {
        MEDALLION_RETURN_IF_ERROR(CommitBatch(*decoder, *batch_max, progress));
      }
      MEDALLION_RETURN_IF_ERROR(decoder->AppendRow(fields));
      batch_max = *value;
    }
    if (decoder->num_rows() > 0) MEDALLION_RETURN_IF_ERROR(CommitBatch(*decoder, *batch_max, progress));
    progress.Finish();
    return Status::OK();
  }

  Status CommitBatch(PgBatchDecoder& decoder, int64_t batch_watermark, Progress& progress) {
    MEDALLION_ASSIGN_OR_RETURN(auto batch, decoder.Flush());
    MEDALLION_ASSIGN_OR_RETURN(auto rows, WithBronzeColumns(batch, "r", NowMicros()));
    delta::WriteOptions write;
    write.txns.push_back(delta::Txn{app_id_, batch_watermark, std::nullopt});
    write.expected_txns[app_id_] = watermark_;
    MEDALLION_ASSIGN_OR_RETURN(auto written, table_->Append(rows, write));
    watermark_ = batch_watermark;
    report_.rows += written.num_rows;
    ++report_.commits;
    progress.Add(written.num_rows);
    progress.SetDetail(fmt::format("{} v{}", BronzeTableName(plan_.info.name), written.version));
    return Status::OK();
  }

  bool ReconcileDue() {
    if (plan_.info.primary_key.empty()) {
      if (options_.force_reconcile) {
        spdlog::warn("ingest-pg {}: no primary key, so deletes cannot be reconciled", plan_.info.name);
      }
      return false;
    }
    if (options_.force_reconcile) return true;
    if (options_.reconcile_interval_seconds < 0) return false;
    auto last = table_->snapshot()->TxnVersion(app_id_ + "-reconcile");
    // The first snapshot has nothing to reconcile; it starts the clock.
    if (!last) return true;
    return NowMicros() / 1000000 - *last >= options_.reconcile_interval_seconds;
  }

  // Appends a tombstone for every key live in Bronze but gone from PostgreSQL.
  Status Reconcile() {
    const auto& info = plan_.info;
    const auto& keys = info.primary_key;
    // Keys in the source, streamed; only the key strings are kept.
    std::vector<PgColumn> key_columns;
    for (const auto& k : keys) key_columns.push_back(*info.Find(k));
    MEDALLION_ASSIGN_OR_RETURN(auto decoder, PgBatchDecoder::Make(info.name, key_columns, options_.types));
    MEDALLION_RETURN_IF_ERROR(conn_.StartCopyOut(fmt::format("COPY (SELECT {} FROM {}) TO STDOUT (FORMAT binary)",
                                                             ColumnList(keys), info.qualified)));
    std::unordered_set<std::string> source_keys;
    auto drain = [&]() -> Status {
      MEDALLION_ASSIGN_OR_RETURN(auto batch, decoder->Flush());
      MEDALLION_ASSIGN_OR_RETURN_ARROW(auto t, arrow::Table::FromRecordBatches({batch}));
      MEDALLION_ASSIGN_OR_RETURN(auto strings, KeyStrings(*t, keys));
      for (auto& s : strings) source_keys.insert(std::move(s));
      return Status::OK();
    };
    PgCopyRowParser parser;
    std::vector<PgField> fields;
    const char* data = nullptr;
    int size = 0;
    while (true) {
      MEDALLION_ASSIGN_OR_RETURN(bool more, conn_.ReadCopyRow(&data, &size));
      if (!more) break;
      MEDALLION_ASSIGN_OR_RETURN(bool row, parser.Parse(data, size, &fields));
      if (!row) continue;
      MEDALLION_RETURN_IF_ERROR(decoder->AppendRow(fields));
      if (decoder->num_rows() >= 100000) MEDALLION_RETURN_IF_ERROR(drain());
    }
    MEDALLION_RETURN_IF_ERROR(drain());

    // Live keys in Bronze: the newest row per key is not a tombstone.
    delta::ScanOptions scan;
    scan.columns = keys;
    scan.columns.push_back(kOpColumn);
    scan.columns.push_back(kIngestedAtColumn);
    MEDALLION_ASSIGN_OR_RETURN(auto bronze, delta::ScanToTable(table_->store(), *table_->snapshot(), scan));
    MEDALLION_ASSIGN_OR_RETURN(auto bronze_keys, KeyStrings(*bronze, keys));
    MEDALLION_ASSIGN_OR_RETURN_ARROW(auto flat, bronze->CombineChunks());
    const auto& ops = static_cast<const arrow::StringArray&>(*flat->GetColumnByName(kOpColumn)->chunk(0));
    const auto& stamps = static_cast<const arrow::TimestampArray&>(*flat->GetColumnByName(kIngestedAtColumn)->chunk(0));
    std::unordered_map<std::string, int64_t> newest;  // key -> row
    for (int64_t i = 0; i < flat->num_rows(); ++i) {
      auto [it, inserted] = newest.try_emplace(bronze_keys[i], i);
      if (!inserted && stamps.Value(i) >= stamps.Value(it->second)) it->second = i;
    }
    arrow::Int64Builder gone;
    for (const auto& [key, row] : newest) {
      if (ops.GetView(row) != "d" && !source_keys.count(key)) MEDALLION_RETURN_IF_ARROW_ERROR(gone.Append(row));
    }
    std::shared_ptr<arrow::Array> gone_rows;
    MEDALLION_RETURN_IF_ARROW_ERROR(gone.Finish(&gone_rows));

    const std::string reconcile_id = app_id_ + "-reconcile";
    const int64_t now_seconds = NowMicros() / 1000000;
    std::map<std::string, std::optional<int64_t>> expected = {
        {app_id_, watermark_}, {reconcile_id, table_->snapshot()->TxnVersion(reconcile_id)}};
    report_.reconciled = true;
    if (gone_rows->length() == 0) {
      // Nothing deleted: record only when this reconciliation happened.
      delta::CommitRequest request;
      request.actions.push_back(delta::Txn{reconcile_id, now_seconds, delta::NowMillis()});
      request.expected_txns = expected;
      request.operation = "STREAMING UPDATE";
      request.operation_parameters["source"] = "\"pg-reconcile\"";
      return table_->CommitActions(std::move(request)).status();
    }
    MEDALLION_ASSIGN_OR_RETURN_ARROW(auto key_rows, arrow::compute::Take(flat, gone_rows));
    auto key_table = key_rows.table();
    arrow::ArrayVector columns;
    arrow::FieldVector source_fields;
    const int64_t n = gone_rows->length();
    for (const auto& c : info.columns) {
      auto type = plan_.bronze_schema->GetFieldByName(c.name)->type();
      source_fields.push_back(arrow::field(c.name, type));
      if (auto key = key_table->GetColumnByName(c.name)) {
        MEDALLION_ASSIGN_OR_RETURN_ARROW(auto combined, arrow::Concatenate(key->chunks()));
        columns.push_back(combined);
      } else {
        MEDALLION_ASSIGN_OR_RETURN_ARROW(auto nulls, arrow::MakeArrayOfNull(type, n));
        columns.push_back(nulls);
      }
    }
    auto batch = arrow::RecordBatch::Make(arrow::schema(source_fields), n, columns);
    MEDALLION_ASSIGN_OR_RETURN(auto tombstones, WithBronzeColumns(batch, "d", NowMicros()));
    delta::WriteOptions write;
    write.txns.push_back(delta::Txn{reconcile_id, now_seconds, std::nullopt});
    write.expected_txns = expected;
    MEDALLION_ASSIGN_OR_RETURN(auto written, table_->Append(tombstones, write));
    report_.deleted = written.num_rows;
    ++report_.commits;
    spdlog::info("ingest-pg {}: {} deleted rows found by reconciliation", info.name, written.num_rows);
    return Status::OK();
  }

  PgConnection& conn_;
  const PlannedTable& plan_;
  const PgIngestOptions& options_;
  std::shared_ptr<delta::Table> table_;
  std::string app_id_;
  std::optional<int64_t> watermark_;
  PgTableReport report_;
};

}  // namespace

std::string BronzeTableName(const std::string& pg_table) {
  std::string out = "pg_" + pg_table;
  for (char& c : out) {
    if (c == '.') c = '_';
  }
  return out;
}

std::string PgAppId(const std::string& database, const std::string& pg_table) {
  return fmt::format("pg-{}-{}", database, pg_table);
}

Result<std::vector<PgTableReport>> IngestPostgres(const PgIngestOptions& options) {
  if (options.tables.empty()) return Status::InvalidArgument("no tables to ingest (--tables a,b,c)");
  if (options.batch_rows <= 0) return Status::InvalidArgument("batch rows must be positive");
  MEDALLION_RETURN_IF_ERROR(EnsureArrowComputeReady());
  MEDALLION_ASSIGN_OR_RETURN(auto conn, PgConnection::Connect(options.dsn));
  std::vector<PlannedTable> plans;
  for (const auto& spec : options.tables) {
    MEDALLION_ASSIGN_OR_RETURN(auto plan, Plan(*conn, spec, options));
    plans.push_back(std::move(plan));
  }
  std::vector<PgTableReport> reports;
  for (const auto& plan : plans) {
    TableIngest ingest(*conn, plan, options);
    MEDALLION_ASSIGN_OR_RETURN(auto report, ingest.Run());
    reports.push_back(std::move(report));
  }
  return reports;
}

}  // namespace medallion::ingest
