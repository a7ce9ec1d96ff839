// Hive-style partitioning as Delta writes it: data files live under
// "col=value/" directories, and each add action records the values as
// strings ("partitionValues"), null as JSON null.
#pragma once

#include <arrow/type_fwd.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "medallion/common/result.h"
#include "medallion/delta/action.h"

namespace medallion::delta {

// The Delta string form of a partition value (dates "2024-05-01", timestamps
// "2024-05-01 13:45:00.123456", booleans "true"); nullopt for null.
Result<std::optional<std::string>> PartitionValueToString(const arrow::Scalar& value);

// Parses a partition value string back into a scalar of `type`.
Result<std::shared_ptr<arrow::Scalar>> PartitionValueFromString(const std::optional<std::string>& value,
                                                                 const std::shared_ptr<arrow::DataType>& type);

// "country=DE/day=2024-05-01" with Hive escaping of each value; nulls become
// __HIVE_DEFAULT_PARTITION__.
std::string PartitionDirectory(const std::vector<std::string>& columns, const PartitionValues& values);

// One group of rows that share partition values.
struct PartitionSlice {
  PartitionValues values;
  std::shared_ptr<arrow::Table> rows;  // still includes the partition columns
};

// Rows of a table grouped by partition values, before any row is copied: a
// group is a list of row numbers per record batch, so a writer can gather one
// file's rows at a time (in parallel, freeing each after writing) instead of
// materialising a copy of the whole input first.
class PartitionPlan {
 public:
  // Groups the rows of `table` by the values of `columns` (none: one group
  // of every row). Groups are numbered in first-seen order. Data files do
  // not store partition columns: `drop_partition_columns` leaves them out
  // of the gathered rows, so they are never copied.
  static Result<PartitionPlan> Make(const std::shared_ptr<arrow::Table>& table,
                                    const std::vector<std::string>& columns,
                                    bool drop_partition_columns = false);

  // Columns of the gathered rows.
  const std::shared_ptr<arrow::Schema>& schema() const { return schema_; }

  size_t num_groups() const { return groups_.size(); }
  const PartitionValues& values(size_t group) const { return groups_[group].values; }
  int64_t num_rows(size_t group) const { return groups_[group].num_rows; }

  // Turns the named gathered columns into dictionary arrays sharing one
  // dictionary: gathering then copies 4-byte codes instead of strings, and
  // Parquet writers take such columns without hashing each value again.
  // Worth it only for columns with few distinct values.
  Status DictionaryEncode(const std::vector<std::string>& columns);

  // Rows [offset, offset + length) of `group`, in input order. Runs of consecutive rows are zero-copy slices.
  Result<std::shared_ptr<arrow::Table>> Gather(size_t group, int64_t offset, int64_t length) const;

 private:
  // `count` rows of one record batch, whose row numbers are
  // order_[start, start + count).
  struct Piece {
    size_t batch;
    int64_t start;
    int64_t count;
  };
  struct Group {
    PartitionValues values;
    int64_t num_rows = 0;
    std::vector<Piece> pieces;
  };

  std::shared_ptr<arrow::Schema> schema_;
  std::vector<std::shared_ptr<arrow::RecordBatch>> batches_;
  std::vector<int32_t> order_;  // each batch's row numbers, sorted by group
  std::vector<Group> groups_;
};

// Splits `table` by the values of `columns` (no partition columns: one slice).
Result<std::vector<PartitionSlice>> SplitByPartition(const std::shared_ptr<arrow::Table>& table,
                                                     const std::vector<std::string>& columns);

}  // namespace medallion::delta
