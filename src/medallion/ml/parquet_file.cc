#include "medallion/ml/parquet_file.h"

#include <arrow/api.h>
#include <arrow/io/file.h>
#include <parquet/arrow/reader.h>
#include <parquet/arrow/writer.h>

#include "medallion/common/arrow_status.h"

namespace medallion::ml {

Result<std::shared_ptr<arrow::Table>> ReadParquetFile(const std::string& path) {
  auto file = FromArrow(arrow::io::ReadableFile::Open(path));
  if (!file.ok()) return Status::NotFound("cannot open '" + path + "': " + file.status().message());
  auto reader = FromArrow(parquet::arrow::OpenFile(*file, arrow::default_memory_pool()));
  if (!reader.ok()) return reader.status().WithContext("'" + path + "' is not a Parquet file");
  std::shared_ptr<arrow::Table> table;
  auto read = FromArrow((*reader)->ReadTable(&table));
  if (!read.ok()) return read.WithContext("reading '" + path + "'");
  return table;
}

Status WriteParquetFile(const arrow::Table& table, const std::string& path) {
  auto sink = FromArrow(arrow::io::FileOutputStream::Open(path));
  if (!sink.ok()) return sink.status().WithContext("cannot create '" + path + "'");
  auto written = FromArrow(parquet::arrow::WriteTable(table, arrow::default_memory_pool(), *sink));
  if (!written.ok()) return written.WithContext("writing '" + path + "'");
  return FromArrow((*sink)->Close()).WithContext("closing '" + path + "'");
}

}  // namespace medallion::ml
