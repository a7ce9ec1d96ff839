// Writing the ml module's output tables (gold/demand_forecast,
// gold/forecast_accuracy, gold/tick_predictions, loaded datasets): create on
// first use, then replace the partitions present in the data in one commit,
// so re-running a job for the same key replaces its rows instead of adding
// duplicates.
#pragma once

#include <arrow/type_fwd.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "medallion/common/result.h"

namespace medallion::ml {

// <lake>/<name>: OverwritePartitions(data) (the whole table when it has no
// partition columns). Returns the new table version. `properties` are set
// when the table is created.
Result<int64_t> WriteLakeTable(const std::string& lake_uri, const std::string& name,
                               const std::shared_ptr<arrow::Table>& data,
                               const std::vector<std::string>& partition_columns = {},
                               const std::map<std::string, std::string>& properties = {});

// `rows` copies of the current UTC time: the created_at / evaluated_at column
// of an output table.
Result<std::shared_ptr<arrow::Array>> NowColumn(size_t rows);

// Every row of <lake>/<name>; NotFound when there is no such table.
Result<std::shared_ptr<arrow::Table>> ReadLakeTable(const std::string& lake_uri, const std::string& name);

}  // namespace medallion::ml
