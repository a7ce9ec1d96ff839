#include "medallion/transform/table_open.h"

#include "medallion/storage/object_store.h"

namespace medallion::transform {

Result<std::shared_ptr<delta::Table>> OpenOrCreateTable(const std::string& uri, std::shared_ptr<arrow::Schema> schema,
                                                        std::vector<std::string> partition_columns) {
  MEDALLION_ASSIGN_OR_RETURN(auto store, storage::OpenObjectStore(uri));
  delta::CreateOptions create;
  create.schema = std::move(schema);
  create.partition_columns = std::move(partition_columns);
  auto table = delta::Table::OpenOrCreate(store, create);
  if (!table.ok()) return table.status().WithContext(uri);
  return table;
}

}  // namespace medallion::transform
