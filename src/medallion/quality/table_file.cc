#include "medallion/quality/table_file.h"

#include <arrow/api.h>
#include <arrow/csv/api.h>
#include <arrow/io/file.h>
#include <parquet/arrow/reader.h>
#include <parquet/exception.h>

#include "medallion/common/arrow_status.h"

namespace medallion::quality {
namespace {

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

Result<std::shared_ptr<arrow::Table>> ReadParquet(const std::shared_ptr<arrow::io::RandomAccessFile>& file) {
  try {
    MEDALLION_ASSIGN_OR_RETURN_ARROW(auto reader, parquet::arrow::OpenFile(file, arrow::default_memory_pool()));
    MEDALLION_ASSIGN_OR_RETURN_ARROW(std::shared_ptr<arrow::Table> table, reader->ReadTable());
    return table;
  } catch (const parquet::ParquetException& e) {
    return Status::Corruption(e.what());
  }
}

Result<std::shared_ptr<arrow::Table>> ReadCsv(const std::shared_ptr<arrow::io::RandomAccessFile>& file) {
  auto convert = arrow::csv::ConvertOptions::Defaults();
  convert.strings_can_be_null = true;
  MEDALLION_ASSIGN_OR_RETURN_ARROW(
      auto reader, arrow::csv::TableReader::Make(arrow::io::default_io_context(), file,
                                                 arrow::csv::ReadOptions::Defaults(),
                                                 arrow::csv::ParseOptions::Defaults(), convert));
  MEDALLION_ASSIGN_OR_RETURN_ARROW(std::shared_ptr<arrow::Table> table, reader->Read());
  return table;
}

}  // namespace

Result<std::shared_ptr<arrow::Table>> ReadTableFile(const std::string& path) {
  const bool parquet = EndsWith(path, ".parquet") || EndsWith(path, ".pq");
  const bool csv = EndsWith(path, ".csv");
  if (!parquet && !csv) return Status::InvalidArgument(path + ": unknown file type (expected .parquet or .csv)");
  auto file = FromArrow(arrow::io::ReadableFile::Open(path));
  if (!file.ok()) return file.status().WithContext(path);
  auto table = parquet ? ReadParquet(*file) : ReadCsv(*file);
  if (!table.ok()) return table.status().WithContext(path);
  return table;
}

}  // namespace medallion::quality
