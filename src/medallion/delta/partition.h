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

// Splits `table` by the values of `columns` (no partition columns: one slice).
Result<std::vector<PartitionSlice>> SplitByPartition(const std::shared_ptr<arrow::Table>& table,
                                                     const std::vector<std::string>& columns);

}  // namespace medallion::delta
