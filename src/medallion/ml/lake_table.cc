#include "medallion/ml/lake_table.h"

#include <arrow/api.h>

#include <chrono>

#include "medallion/common/arrow_status.h"

#include "medallion/delta/scan.h"
#include "medallion/delta/schema.h"
#include "medallion/delta/table.h"
#include "medallion/storage/object_store.h"

namespace medallion::ml {

Result<int64_t> WriteLakeTable(const std::string& lake_uri, const std::string& name,
                               const std::shared_ptr<arrow::Table>& data,
                               const std::vector<std::string>& partition_columns,
                               const std::map<std::string, std::string>& properties) {
  MEDALLION_ASSIGN_OR_RETURN(auto store, storage::OpenObjectStore(storage::JoinPath(lake_uri, name)));
  delta::CreateOptions create;
  MEDALLION_ASSIGN_OR_RETURN(create.schema, delta::CanonicalSchema(*data->schema()));
  create.partition_columns = partition_columns;
  for (const auto& [key, value] : properties) create.configuration[key] = value;
  auto table = delta::Table::OpenOrCreate(store, create);
  if (!table.ok()) return table.status().WithContext(name);
  auto written = (*table)->OverwritePartitions(data);
  if (!written.ok()) return written.status().WithContext(name);
  return written->version;
}

Result<std::shared_ptr<arrow::Array>> NowColumn(size_t rows) {
  const int64_t now_us =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  arrow::TimestampBuilder builder(arrow::timestamp(arrow::TimeUnit::MICRO, "UTC"), arrow::default_memory_pool());
  for (size_t i = 0; i < rows; ++i) MEDALLION_RETURN_IF_ERROR(FromArrow(builder.Append(now_us)));
  std::shared_ptr<arrow::Array> out;
  MEDALLION_RETURN_IF_ERROR(FromArrow(builder.Finish(&out)));
  return out;
}

Result<std::shared_ptr<arrow::Table>> ReadLakeTable(const std::string& lake_uri, const std::string& name) {
  MEDALLION_ASSIGN_OR_RETURN(auto store, storage::OpenObjectStore(storage::JoinPath(lake_uri, name)));
  auto table = delta::Table::Open(store);
  if (!table.ok()) return table.status().WithContext(name);
  return delta::ScanToTable((*table)->store(), *(*table)->snapshot(), delta::ScanOptions{});
}

}  // namespace medallion::ml
