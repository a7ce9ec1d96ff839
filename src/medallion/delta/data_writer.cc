#include "medallion/delta/data_writer.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <arrow/filesystem/filesystem.h>
#include <arrow/io/interfaces.h>
#include <arrow/util/byte_size.h>
#include <fmt/format.h>
#include <parquet/arrow/writer.h>
#include <parquet/properties.h>

#include <chrono>

#include "medallion/common/arrow_compute.h"
#include "medallion/common/arrow_status.h"
#include "medallion/delta/dictionary_choice.h"
#include "medallion/delta/parallel_for.h"
#include "medallion/delta/partition.h"
#include "medallion/delta/schema.h"
#include "medallion/delta/stats.h"
#include "medallion/delta/uuid.h"

namespace medallion::delta {

namespace {

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<arrow::Compression::type> CompressionFromName(const std::string& name) {
  if (name == "snappy") return arrow::Compression::SNAPPY;
  if (name == "zstd") return arrow::Compression::ZSTD;
  if (name == "none" || name == "uncompressed") return arrow::Compression::UNCOMPRESSED;
  return Status::InvalidArgument(fmt::format("unknown compression '{}' (snappy, zstd, none)", name));
}

std::string FileSuffix(const std::string& compression) {
  if (compression == "snappy") return ".snappy.parquet";
  if (compression == "zstd") return ".zstd.parquet";
  return ".parquet";
}

// Rough in-memory bytes per row, to cut files near the target size (Parquet
// compresses, so files come out smaller than the target, never larger).
// Counts only the bytes the rows reference: the input may be a slice of
// larger buffers.
int64_t ApproxBytesPerRow(const arrow::Table& t) {
  if (t.num_rows() == 0) return 1;
  auto referenced = arrow::util::ReferencedBufferSize(t);
  int64_t bytes = referenced.ok() ? *referenced : arrow::util::TotalBufferSize(t);
  return std::max<int64_t>(1, bytes / t.num_rows());
}

// Positions in `table` of the fields of `subset`.
std::vector<int> FieldIndices(const arrow::Table& table, const arrow::Schema& subset) {
  std::vector<int> indices;
  for (const auto& field : subset.fields()) indices.push_back(table.schema()->GetFieldIndex(field->name()));
  return indices;
}

Result<AddFile> WriteOneFile(storage::ObjectStore& store, const std::shared_ptr<arrow::Table>& rows,
                             const std::string& relative_path, const PartitionValues& values,
                             const DataWriterOptions& options, arrow::Compression::type codec,
                             const std::vector<std::string>& plain_columns) {
  auto fs = store.arrow_filesystem();
  const std::string target = store.ArrowPath(relative_path);
  if (fs->type_name() == "local") {
    // Object stores have no directories; a local disk needs the partition's.
    MEDALLION_RETURN_IF_ARROW_ERROR(fs->CreateDir(target.substr(0, target.rfind('/')), /*recursive=*/true));
  }
  MEDALLION_ASSIGN_OR_RETURN_ARROW(auto out, fs->OpenOutputStream(target));
  parquet::WriterProperties::Builder builder;
  builder.compression(codec)->max_row_group_length(options.max_row_group_rows)->created_by("medallion 0.1.0");
  for (const auto& column : plain_columns) builder.disable_dictionary(column);
  for (const auto& column : options.without_statistics) builder.disable_statistics(column);
  auto props = builder.build();
  auto arrow_props = parquet::ArrowWriterProperties::Builder().coerce_timestamps(arrow::TimeUnit::MICRO)->build();
  MEDALLION_ASSIGN_OR_RETURN_ARROW(
      auto writer, parquet::arrow::FileWriter::Open(*rows->schema(), arrow::default_memory_pool(), out, props,
                                                    arrow_props));
  MEDALLION_RETURN_IF_ARROW_ERROR(writer->WriteTable(*rows, options.max_row_group_rows));
  MEDALLION_RETURN_IF_ARROW_ERROR(writer->Close());
  MEDALLION_ASSIGN_OR_RETURN_ARROW(int64_t size, out->Tell());
  MEDALLION_RETURN_IF_ARROW_ERROR(out->Close());
  AddFile add;
  add.path = EncodeUriPath(relative_path);
  add.partition_values = values;
  add.size = size;
  add.modification_time = NowMillis();
  add.data_change = options.data_change;
  MEDALLION_ASSIGN_OR_RETURN(std::string stats,
                             StatsJsonFromParquetFooter(*rows, *writer->metadata(), options.max_indexed_columns));
  add.stats = std::move(stats);
  return add;
}

// Decided once per write from the first rows of the largest partition, so
// every file of one write is encoded alike.
Result<DictionaryChoice> DecideDictionaries(const PartitionPlan& plan, int64_t rows_per_file, int64_t total_rows,
                                            const DataWriterOptions& options) {
  constexpr int64_t kSampleRows = 1 << 16;
  size_t largest = 0;
  for (size_t g = 1; g < plan.num_groups(); ++g) {
    if (plan.num_rows(g) > plan.num_rows(largest)) largest = g;
  }
  const int64_t file_rows = std::min(plan.num_rows(largest), rows_per_file);
  MEDALLION_ASSIGN_OR_RETURN(auto sample, plan.Gather(largest, 0, std::min(kSampleRows, file_rows)));
  return ChooseDictionaries(*sample, std::min(file_rows, options.max_row_group_rows), total_rows,
                            parquet::default_writer_properties()->dictionary_pagesize_limit());
}

}  // namespace

Result<std::shared_ptr<arrow::Table>> ConformToSchema(const std::shared_ptr<arrow::Table>& data,
                                                      const std::shared_ptr<arrow::Schema>& table_schema) {
  MEDALLION_RETURN_IF_ERROR(EnsureArrowComputeReady());
  for (const auto& field : data->schema()->fields()) {
    if (table_schema->GetFieldIndex(field->name()) < 0) {
      return Status::InvalidArgument(
          fmt::format("column '{}' is not in the table schema (table columns: {})", field->name(),
                      fmt::join(table_schema->field_names(), ", ")));
    }
  }
  arrow::ChunkedArrayVector columns;
  for (const auto& field : table_schema->fields()) {
    auto column = data->GetColumnByName(field->name());
    if (!column) {
      if (!field->nullable()) {
        return Status::InvalidArgument(fmt::format("non-nullable column '{}' is missing from the data", field->name()));
      }
      MEDALLION_ASSIGN_OR_RETURN_ARROW(auto nulls, arrow::MakeArrayOfNull(field->type(), data->num_rows()));
      columns.push_back(std::make_shared<arrow::ChunkedArray>(nulls));
      continue;
    }
    if (!field->nullable() && column->null_count() > 0) {
      return Status::InvalidArgument(
          fmt::format("column '{}' is not nullable but has {} nulls", field->name(), column->null_count()));
    }
    if (column->type()->Equals(*field->type())) {
      columns.push_back(column);
      continue;
    }
    // Only accept a cast when both sides map to the same Delta type, so an
    // append can never silently change a column's meaning.
    auto data_delta = SchemaToSparkJson(*arrow::schema({arrow::field("c", column->type())}));
    auto table_delta = SchemaToSparkJson(*arrow::schema({arrow::field("c", field->type())}));
    if (!data_delta.ok() || !table_delta.ok() || *data_delta != *table_delta) {
      return Status::InvalidArgument(fmt::format("column '{}' has type {} but the table expects {}", field->name(),
                                                 column->type()->ToString(), field->type()->ToString()));
    }
    MEDALLION_ASSIGN_OR_RETURN_ARROW(arrow::Datum cast, arrow::compute::Cast(column, field->type()));
    columns.push_back(cast.chunked_array());
  }
  return arrow::Table::Make(table_schema, columns, data->num_rows());
}

Result<std::vector<AddFile>> WriteDataFiles(storage::ObjectStore& store, const std::shared_ptr<arrow::Table>& data,
                                            const std::vector<std::string>& partition_columns,
                                            const DataWriterOptions& options) {
  MEDALLION_ASSIGN_OR_RETURN(auto codec, CompressionFromName(options.compression));
  std::vector<AddFile> adds;
  if (data->num_rows() == 0) return adds;
  MEDALLION_ASSIGN_OR_RETURN(auto plan,
                             PartitionPlan::Make(data, partition_columns, /*drop_partition_columns=*/true));
  // Plan every file first (names and row ranges fixed up front, so the
  // result does not depend on which file finishes first); each file's rows
  // are gathered only when a worker picks it up, and freed once written.
  struct FileJob {
    size_t group;
    int64_t offset;
    int64_t length;
    std::string path;
  };
  std::vector<FileJob> jobs;
  MEDALLION_ASSIGN_OR_RETURN_ARROW(auto stored, data->SelectColumns(FieldIndices(*data, *plan.schema())));
  const int64_t rows_per_file = std::max<int64_t>(1, options.target_file_size_bytes / ApproxBytesPerRow(*stored));
  for (size_t g = 0; g < plan.num_groups(); ++g) {
    const std::string dir = PartitionDirectory(partition_columns, plan.values(g));
    for (int64_t offset = 0; offset < plan.num_rows(g); offset += rows_per_file) {
      std::string name = fmt::format("part-{:05d}-{}-c000{}", jobs.size(), NewUuid(), FileSuffix(options.compression));
      jobs.push_back({g, offset, std::min(rows_per_file, plan.num_rows(g) - offset),
                      dir.empty() ? name : dir + "/" + name});
    }
  }
  DictionaryChoice dictionaries;
  if (options.dictionaries) {
    dictionaries = *options.dictionaries;
  } else {
    MEDALLION_ASSIGN_OR_RETURN(dictionaries, DecideDictionaries(plan, rows_per_file, data->num_rows(), options));
  }
  MEDALLION_RETURN_IF_ERROR(plan.DictionaryEncode(dictionaries.shared_dictionary));
  const auto& plain_columns = dictionaries.plain;
  // Files are independent (own rows, own stats, own output stream), so they
  // are gathered and encoded in parallel: both are CPU-bound.
  std::vector<AddFile> written(jobs.size());
  MEDALLION_RETURN_IF_ERROR(ParallelFor(jobs.size(), [&](size_t i) -> Status {
    const FileJob& job = jobs[i];
    MEDALLION_ASSIGN_OR_RETURN(auto rows, plan.Gather(job.group, job.offset, job.length));
    MEDALLION_ASSIGN_OR_RETURN(written[i],
                               WriteOneFile(store, rows, job.path, plan.values(job.group), options, codec, plain_columns));
    return Status::OK();
  }));
  adds = std::move(written);
  return adds;
}

}  // namespace medallion::delta
