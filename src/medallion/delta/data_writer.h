// Turns Arrow data into Parquet data files under a table root, one or more per
// partition, each described by an add action with stats. Writing files does
// not change the table: only the commit that lists them does, so a crash here
// leaves orphans for VACUUM, never a half-visible write.
#pragma once

#include <arrow/type_fwd.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "medallion/common/result.h"
#include "medallion/delta/action.h"
#include "medallion/delta/dictionary_choice.h"
#include "medallion/storage/object_store.h"

namespace medallion::delta {

struct DataWriterOptions {
  int64_t target_file_size_bytes = 128ll << 20;
  int64_t max_row_group_rows = 1 << 20;
  std::string compression = "snappy";  // snappy | zstd | none
  int max_indexed_columns = 32;        // stats columns
  bool data_change = true;
  // Which columns to write without a dictionary or with a shared one, when
  // the caller knows its data (Bronze: every Kafka value is distinct);
  // unset, it is chosen from a sample of each write.
  std::optional<DictionaryChoice> dictionaries;
  // Columns written without Parquet statistics: min/max that no reader can
  // skip on (a Kafka value, an opaque blob) cost a comparison per value.
  // Their Delta nullCount still comes from the data.
  std::vector<std::string> without_statistics;
};

// Casts `data` to the table schema: columns matched by name (order may
// differ), types converted where lossless in meaning (large_utf8 -> utf8,
// timestamp ms -> us UTC, ...). Missing nullable columns are filled with
// nulls; extra or mismatched columns are InvalidArgument naming the column.
Result<std::shared_ptr<arrow::Table>> ConformToSchema(const std::shared_ptr<arrow::Table>& data,
                                                      const std::shared_ptr<arrow::Schema>& table_schema);

// Writes `data` (already conformed) as Parquet files; returns their add actions.
Result<std::vector<AddFile>> WriteDataFiles(storage::ObjectStore& store, const std::shared_ptr<arrow::Table>& data,
                                            const std::vector<std::string>& partition_columns,
                                            const DataWriterOptions& options);

}  // namespace medallion::delta
