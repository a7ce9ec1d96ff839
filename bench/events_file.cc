#include "bench/events_file.h"

#include <arrow/api.h>
#include <arrow/io/file.h>
#include <parquet/arrow/reader.h>
#include <parquet/properties.h>

#include "medallion/common/arrow_status.h"

namespace medallion::bench {

Result<std::shared_ptr<arrow::Table>> LoadEventsTable(const std::string& parquet_path) {
  auto input = FromArrow(arrow::io::ReadableFile::Open(parquet_path));
  if (!input.ok()) return input.status().WithContext(parquet_path);
  parquet::ArrowReaderProperties properties;
  properties.set_use_threads(true);
  parquet::arrow::FileReaderBuilder builder;
  MEDALLION_RETURN_IF_ERROR(FromArrow(builder.Open(*input)).WithContext(parquet_path));
  builder.properties(properties);
  std::unique_ptr<parquet::arrow::FileReader> reader;
  MEDALLION_RETURN_IF_ERROR(FromArrow(builder.Build(&reader)).WithContext(parquet_path));
  auto table = FromArrow(reader->ReadTable());
  if (!table.ok()) return table.status().WithContext(parquet_path);
  return std::move(table).value();
}

}  // namespace medallion::bench
