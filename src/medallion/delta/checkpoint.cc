#include "medallion/delta/checkpoint.h"

#include <arrow/api.h>
#include <arrow/filesystem/filesystem.h>
#include <arrow/io/memory.h>
#include <fmt/format.h>
#include <parquet/arrow/reader.h>
#include <parquet/arrow/writer.h>

#include <nlohmann/json.hpp>

#include "medallion/common/arrow_status.h"

namespace medallion::delta {

using nlohmann::json;

namespace {

// ---- Arrow types of the checkpoint columns (Delta PROTOCOL.md, "Checkpoint Schema")

std::shared_ptr<arrow::DataType> StringMapType() { return arrow::map(arrow::utf8(), arrow::utf8()); }

std::shared_ptr<arrow::DataType> ProtocolType() {
  return arrow::struct_({arrow::field("minReaderVersion", arrow::int32()),
                         arrow::field("minWriterVersion", arrow::int32()),
                         arrow::field("readerFeatures", arrow::list(arrow::utf8())),
                         arrow::field("writerFeatures", arrow::list(arrow::utf8()))});
}

std::shared_ptr<arrow::DataType> MetadataType() {
  return arrow::struct_(
      {arrow::field("id", arrow::utf8()), arrow::field("name", arrow::utf8()),
       arrow::field("description", arrow::utf8()),
       arrow::field("format", arrow::struct_({arrow::field("provider", arrow::utf8()),
                                              arrow::field("options", StringMapType())})),
       arrow::field("schemaString", arrow::utf8()), arrow::field("partitionColumns", arrow::list(arrow::utf8())),
       arrow::field("configuration", StringMapType()), arrow::field("createdTime", arrow::int64())});
}

std::shared_ptr<arrow::DataType> TxnType() {
  return arrow::struct_({arrow::field("appId", arrow::utf8()), arrow::field("version", arrow::int64()),
                         arrow::field("lastUpdated", arrow::int64())});
}

std::shared_ptr<arrow::DataType> AddType() {
  return arrow::struct_({arrow::field("path", arrow::utf8()), arrow::field("partitionValues", StringMapType()),
                         arrow::field("size", arrow::int64()), arrow::field("modificationTime", arrow::int64()),
                         arrow::field("dataChange", arrow::boolean()), arrow::field("stats", arrow::utf8()),
                         arrow::field("tags", StringMapType())});
}

std::shared_ptr<arrow::DataType> RemoveType() {
  return arrow::struct_({arrow::field("path", arrow::utf8()), arrow::field("deletionTimestamp", arrow::int64()),
                         arrow::field("dataChange", arrow::boolean()),
                         arrow::field("extendedFileMetadata", arrow::boolean()),
                         arrow::field("partitionValues", StringMapType()), arrow::field("size", arrow::int64())});
}

// ---- Writing: typed appends into StructBuilder children.

class StructWriter {
 public:
  explicit StructWriter(std::shared_ptr<arrow::DataType> type) {
    std::unique_ptr<arrow::ArrayBuilder> b;
    status_ = arrow::MakeBuilder(arrow::default_memory_pool(), type, &b);
    builder_.reset(static_cast<arrow::StructBuilder*>(b.release()));
  }
  arrow::StructBuilder* get() { return builder_.get(); }
  arrow::Status AppendNull() { return builder_->AppendNull(); }
  arrow::Status Begin() { return builder_->Append(); }
  arrow::Status status() const { return status_; }

 private:
  arrow::Status status_;
  std::unique_ptr<arrow::StructBuilder> builder_;
};

arrow::Status AppendString(arrow::ArrayBuilder* b, const std::optional<std::string>& v) {
  auto* sb = static_cast<arrow::StringBuilder*>(b);
  return v ? sb->Append(*v) : sb->AppendNull();
}
arrow::Status AppendInt64(arrow::ArrayBuilder* b, std::optional<int64_t> v) {
  auto* ib = static_cast<arrow::Int64Builder*>(b);
  return v ? ib->Append(*v) : ib->AppendNull();
}
arrow::Status AppendInt32(arrow::ArrayBuilder* b, int32_t v) { return static_cast<arrow::Int32Builder*>(b)->Append(v); }
arrow::Status AppendBool(arrow::ArrayBuilder* b, std::optional<bool> v) {
  auto* bb = static_cast<arrow::BooleanBuilder*>(b);
  return v ? bb->Append(*v) : bb->AppendNull();
}
arrow::Status AppendStringList(arrow::ArrayBuilder* b, const std::optional<std::vector<std::string>>& v) {
  auto* lb = static_cast<arrow::ListBuilder*>(b);
  if (!v) return lb->AppendNull();
  ARROW_RETURN_NOT_OK(lb->Append());
  auto* values = static_cast<arrow::StringBuilder*>(lb->value_builder());
  for (const auto& s : *v) ARROW_RETURN_NOT_OK(values->Append(s));
  return arrow::Status::OK();
}
template <typename MapLike>
arrow::Status AppendMap(arrow::ArrayBuilder* b, const std::optional<MapLike>& v) {
  auto* mb = static_cast<arrow::MapBuilder*>(b);
  if (!v) return mb->AppendNull();
  ARROW_RETURN_NOT_OK(mb->Append());
  auto* keys = static_cast<arrow::StringBuilder*>(mb->key_builder());
  auto* items = static_cast<arrow::StringBuilder*>(mb->item_builder());
  for (const auto& [k, val] : *v) {
    ARROW_RETURN_NOT_OK(keys->Append(k));
    if constexpr (std::is_same_v<std::decay_t<decltype(val)>, std::optional<std::string>>) {
      ARROW_RETURN_NOT_OK(val ? items->Append(*val) : items->AppendNull());
    } else {
      ARROW_RETURN_NOT_OK(items->Append(val));
    }
  }
  return arrow::Status::OK();
}

// ---- Reading: typed access to struct children by name.

// Children are resolved once per batch, not per row: a checkpoint holds one
// row per live file, and by-name lookups per field per row used to cost more
// than decoding the values.
class StructReader {
 public:
  explicit StructReader(const std::shared_ptr<arrow::StructArray>& a) : array_(a) {
    if (!array_) return;
    const auto& type = *array_->struct_type();
    for (int i = 0; i < type.num_fields(); ++i) children_.emplace_back(type.field(i)->name(), array_->field(i));
  }
  bool IsValid(int64_t row) const { return array_ && array_->IsValid(row); }
  const arrow::Array* Child(std::string_view name) const {
    for (const auto& [child_name, child] : children_) {
      if (child_name == name) return child.get();
    }
    return nullptr;
  }
  std::optional<std::string> String(std::string_view name, int64_t row) const {
    const auto* c = Child(name);
    if (!c || c->IsNull(row)) return std::nullopt;
    if (c->type_id() == arrow::Type::STRING) return static_cast<const arrow::StringArray&>(*c).GetString(row);
    if (c->type_id() == arrow::Type::LARGE_STRING) {
      return static_cast<const arrow::LargeStringArray&>(*c).GetString(row);
    }
    return std::nullopt;
  }
  std::optional<int64_t> Int(std::string_view name, int64_t row) const {
    const auto* c = Child(name);
    if (!c || c->IsNull(row)) return std::nullopt;
    if (c->type_id() == arrow::Type::INT64) return static_cast<const arrow::Int64Array&>(*c).Value(row);
    if (c->type_id() == arrow::Type::INT32) return static_cast<const arrow::Int32Array&>(*c).Value(row);
    return std::nullopt;
  }
  std::optional<bool> Bool(std::string_view name, int64_t row) const {
    const auto* c = Child(name);
    if (!c || c->IsNull(row) || c->type_id() != arrow::Type::BOOL) return std::nullopt;
    return static_cast<const arrow::BooleanArray&>(*c).Value(row);
  }
  std::optional<std::vector<std::string>> StringList(std::string_view name, int64_t row) const {
    const auto* c = Child(name);
    if (!c || c->IsNull(row) || c->type_id() != arrow::Type::LIST) return std::nullopt;
    const auto& list = static_cast<const arrow::ListArray&>(*c);
    const auto& values = static_cast<const arrow::StringArray&>(*list.values());
    std::vector<std::string> out;
    for (int64_t i = list.value_offset(row); i < list.value_offset(row + 1); ++i) out.push_back(values.GetString(i));
    return out;
  }
  std::optional<PartitionValues> Map(std::string_view name, int64_t row) const {
    const auto* c = Child(name);
    if (!c || c->IsNull(row) || c->type_id() != arrow::Type::MAP) return std::nullopt;
    const auto& map = static_cast<const arrow::MapArray&>(*c);
    const auto& keys = static_cast<const arrow::StringArray&>(*map.keys());
    const auto& items = static_cast<const arrow::StringArray&>(*map.items());
    PartitionValues out;
    for (int64_t i = map.value_offset(row); i < map.value_offset(row + 1); ++i) {
      out[keys.GetString(i)] = items.IsNull(i) ? std::nullopt : std::optional<std::string>(items.GetString(i));
    }
    return out;
  }
  StructReader Struct(std::string_view name) const {
    for (const auto& [child_name, child] : children_) {
      if (child_name == name) return StructReader(std::static_pointer_cast<arrow::StructArray>(child));
    }
    return StructReader(nullptr);
  }

 private:
  std::shared_ptr<arrow::StructArray> array_;
  std::vector<std::pair<std::string, std::shared_ptr<arrow::Array>>> children_;
};

StringMap ToStringMap(const std::optional<PartitionValues>& m) {
  StringMap out;
  if (!m) return out;
  for (const auto& [k, v] : *m) {
    if (v) out[k] = *v;
  }
  return out;
}

Status ReadRows(const arrow::RecordBatch& table, std::vector<Action>* out) {
  auto column = [&](const char* name) -> std::shared_ptr<arrow::StructArray> {
    auto c = table.GetColumnByName(name);
    if (!c || c->type_id() != arrow::Type::STRUCT) return nullptr;
    return std::static_pointer_cast<arrow::StructArray>(c);
  };
  StructReader protocol(column("protocol")), metadata(column("metaData")), txn(column("txn")), add(column("add")),
      remove(column("remove"));
  for (int64_t row = 0; row < table.num_rows(); ++row) {
    if (protocol.IsValid(row)) {
      Protocol p;
      p.min_reader_version = static_cast<int32_t>(protocol.Int("minReaderVersion", row).value_or(1));
      p.min_writer_version = static_cast<int32_t>(protocol.Int("minWriterVersion", row).value_or(2));
      p.reader_features = protocol.StringList("readerFeatures", row);
      p.writer_features = protocol.StringList("writerFeatures", row);
      out->push_back(std::move(p));
    }
    if (metadata.IsValid(row)) {
      Metadata m;
      m.id = metadata.String("id", row).value_or("");
      m.name = metadata.String("name", row);
      m.description = metadata.String("description", row);
      StructReader format = metadata.Struct("format");
      m.format_provider = format.String("provider", row).value_or("parquet");
      m.format_options = ToStringMap(format.Map("options", row));
      auto schema = metadata.String("schemaString", row);
      if (!schema) return Status::Corruption("checkpoint metaData has no schemaString");
      m.schema_string = *schema;
      m.partition_columns = metadata.StringList("partitionColumns", row).value_or(std::vector<std::string>{});
      m.configuration = ToStringMap(metadata.Map("configuration", row));
      m.created_time = metadata.Int("createdTime", row);
      out->push_back(std::move(m));
    }
    if (txn.IsValid(row)) {
      Txn t;
      t.app_id = txn.String("appId", row).value_or("");
      t.version = txn.Int("version", row).value_or(-1);
      t.last_updated = txn.Int("lastUpdated", row);
      out->push_back(std::move(t));
    }
    if (add.IsValid(row)) {
      AddFile a;
      auto path = add.String("path", row);
      if (!path) return Status::Corruption("checkpoint add has no path");
      a.path = *path;
      a.partition_values = add.Map("partitionValues", row).value_or(PartitionValues{});
      a.size = add.Int("size", row).value_or(0);
      a.modification_time = add.Int("modificationTime", row).value_or(0);
      a.data_change = add.Bool("dataChange", row).value_or(false);
      a.stats = add.String("stats", row);
      if (auto tags = add.Map("tags", row)) a.tags = ToStringMap(tags);
      out->push_back(std::move(a));
    }
    if (remove.IsValid(row)) {
      RemoveFile r;
      auto path = remove.String("path", row);
      if (!path) return Status::Corruption("checkpoint remove has no path");
      r.path = *path;
      r.deletion_timestamp = remove.Int("deletionTimestamp", row);
      r.data_change = remove.Bool("dataChange", row).value_or(false);
      r.extended_file_metadata = remove.Bool("extendedFileMetadata", row);
      r.partition_values = remove.Map("partitionValues", row);
      r.size = remove.Int("size", row);
      out->push_back(std::move(r));
    }
  }
  return Status::OK();
}

arrow::Result<std::shared_ptr<arrow::Table>> BuildCheckpointTable(const Snapshot& snapshot) {
  StructWriter protocol(ProtocolType()), metadata(MetadataType()), txn(TxnType()), add(AddType()),
      remove(RemoveType());
  for (auto* w : {&protocol, &metadata, &txn, &add, &remove}) ARROW_RETURN_NOT_OK(w->status());
  auto null_except = [&](StructWriter* keep) -> arrow::Status {
    for (auto* w : {&protocol, &metadata, &txn, &add, &remove}) {
      if (w != keep) ARROW_RETURN_NOT_OK(w->AppendNull());
    }
    return keep->Begin();
  };
  {
    const Protocol& p = snapshot.protocol();
    ARROW_RETURN_NOT_OK(null_except(&protocol));
    auto* b = protocol.get();
    ARROW_RETURN_NOT_OK(AppendInt32(b->field_builder(0), p.min_reader_version));
    ARROW_RETURN_NOT_OK(AppendInt32(b->field_builder(1), p.min_writer_version));
    ARROW_RETURN_NOT_OK(AppendStringList(b->field_builder(2), p.reader_features));
    ARROW_RETURN_NOT_OK(AppendStringList(b->field_builder(3), p.writer_features));
  }
  {
    const Metadata& m = snapshot.metadata();
    ARROW_RETURN_NOT_OK(null_except(&metadata));
    auto* b = metadata.get();
    ARROW_RETURN_NOT_OK(AppendString(b->field_builder(0), m.id));
    ARROW_RETURN_NOT_OK(AppendString(b->field_builder(1), m.name));
    ARROW_RETURN_NOT_OK(AppendString(b->field_builder(2), m.description));
    auto* format = static_cast<arrow::StructBuilder*>(b->field_builder(3));
    ARROW_RETURN_NOT_OK(format->Append());
    ARROW_RETURN_NOT_OK(AppendString(format->field_builder(0), m.format_provider));
    ARROW_RETURN_NOT_OK(AppendMap(format->field_builder(1), std::optional<StringMap>(m.format_options)));
    ARROW_RETURN_NOT_OK(AppendString(b->field_builder(4), m.schema_string));
    ARROW_RETURN_NOT_OK(
        AppendStringList(b->field_builder(5), std::optional<std::vector<std::string>>(m.partition_columns)));
    ARROW_RETURN_NOT_OK(AppendMap(b->field_builder(6), std::optional<StringMap>(m.configuration)));
    ARROW_RETURN_NOT_OK(AppendInt64(b->field_builder(7), m.created_time));
  }
  for (const auto& [app, t] : snapshot.txns()) {
    ARROW_RETURN_NOT_OK(null_except(&txn));
    auto* b = txn.get();
    ARROW_RETURN_NOT_OK(AppendString(b->field_builder(0), t.app_id));
    ARROW_RETURN_NOT_OK(AppendInt64(b->field_builder(1), t.version));
    ARROW_RETURN_NOT_OK(AppendInt64(b->field_builder(2), t.last_updated));
  }
  for (const auto& [key, a] : snapshot.files()) {
    ARROW_RETURN_NOT_OK(null_except(&add));
    auto* b = add.get();
    ARROW_RETURN_NOT_OK(AppendString(b->field_builder(0), a.path));
    ARROW_RETURN_NOT_OK(AppendMap(b->field_builder(1), std::optional<PartitionValues>(a.partition_values)));
    ARROW_RETURN_NOT_OK(AppendInt64(b->field_builder(2), a.size));
    ARROW_RETURN_NOT_OK(AppendInt64(b->field_builder(3), a.modification_time));
    ARROW_RETURN_NOT_OK(AppendBool(b->field_builder(4), a.data_change));
    ARROW_RETURN_NOT_OK(AppendString(b->field_builder(5), a.stats));
    ARROW_RETURN_NOT_OK(AppendMap(b->field_builder(6), a.tags));
  }
  for (const auto& [key, r] : snapshot.tombstones()) {
    ARROW_RETURN_NOT_OK(null_except(&remove));
    auto* b = remove.get();
    ARROW_RETURN_NOT_OK(AppendString(b->field_builder(0), r.path));
    ARROW_RETURN_NOT_OK(AppendInt64(b->field_builder(1), r.deletion_timestamp));
    ARROW_RETURN_NOT_OK(AppendBool(b->field_builder(2), r.data_change));
    ARROW_RETURN_NOT_OK(AppendBool(b->field_builder(3), r.extended_file_metadata));
    ARROW_RETURN_NOT_OK(AppendMap(b->field_builder(4), r.partition_values));
    ARROW_RETURN_NOT_OK(AppendInt64(b->field_builder(5), r.size));
  }
  arrow::ArrayVector arrays;
  for (auto* w : {&protocol, &metadata, &txn, &add, &remove}) {
    std::shared_ptr<arrow::Array> a;
    ARROW_RETURN_NOT_OK(w->get()->Finish(&a));
    arrays.push_back(a);
  }
  auto schema = arrow::schema({arrow::field("protocol", ProtocolType()), arrow::field("metaData", MetadataType()),
                               arrow::field("txn", TxnType()), arrow::field("add", AddType()),
                               arrow::field("remove", RemoveType())});
  return arrow::Table::Make(schema, arrays);
}

}  // namespace

std::optional<LastCheckpoint> ReadLastCheckpoint(storage::ObjectStore& store) {
  auto content = store.Read(kLastCheckpoint);
  if (!content.ok()) return std::nullopt;
  json j = json::parse(*content, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("version")) return std::nullopt;
  LastCheckpoint lc;
  lc.version = j.value("version", int64_t{-1});
  lc.size = j.value("size", int64_t{0});
  if (j.contains("parts") && j["parts"].is_number()) lc.parts = j["parts"].get<int>();
  return lc;
}

Status WriteCheckpoint(storage::ObjectStore& store, const Snapshot& snapshot) {
  MEDALLION_ASSIGN_OR_RETURN_ARROW(auto table, BuildCheckpointTable(snapshot));
  const std::string path = CheckpointFileName(snapshot.version());
  // Written to a temporary name and renamed by Write(), so a crash never
  // leaves a truncated checkpoint that readers would trust.
  MEDALLION_ASSIGN_OR_RETURN_ARROW(auto sink, arrow::io::BufferOutputStream::Create());
  auto props = parquet::WriterProperties::Builder().compression(arrow::Compression::SNAPPY)->build();
  MEDALLION_RETURN_IF_ARROW_ERROR(
      parquet::arrow::WriteTable(*table, arrow::default_memory_pool(), sink, 1 << 20, props));
  MEDALLION_ASSIGN_OR_RETURN_ARROW(auto buffer, sink->Finish());
  MEDALLION_RETURN_IF_ERROR(store.Write(path, buffer->ToString()));
  json last = {{"version", snapshot.version()}, {"size", table->num_rows()}, {"sizeInBytes", buffer->size()},
               {"numOfAddFiles", snapshot.files().size()}};
  return store.Write(kLastCheckpoint, last.dump());
}

Result<std::vector<Action>> ReadCheckpointActions(storage::ObjectStore& store, const std::vector<std::string>& paths) {
  std::vector<Action> actions;
  auto fs = store.arrow_filesystem();
  for (const auto& path : paths) {
    auto context = [&](const Status& s) { return s.WithContext(store.root_uri() + "/" + path); };
    auto file = FromArrow(fs->OpenInputFile(store.ArrowPath(path)));
    if (!file.ok()) return context(file.status());
    auto reader = FromArrow(parquet::arrow::OpenFile(*file, arrow::default_memory_pool()));
    if (!reader.ok()) return context(Status::Corruption(reader.status().message()));
    (*reader)->set_use_threads(true);  // columns decode in parallel
    std::shared_ptr<arrow::Table> table;
    auto read = FromArrow((*reader)->ReadTable(&table));
    if (!read.ok()) return context(Status::Corruption(read.message()));
    // Batches slice the chunks zero-copy; combining them first would copy
    // every stats string once more.
    arrow::TableBatchReader batches(*table);
    while (true) {
      std::shared_ptr<arrow::RecordBatch> batch;
      auto next = FromArrow(batches.ReadNext(&batch));
      if (!next.ok()) return context(next);
      if (!batch) break;
      actions.reserve(actions.size() + batch->num_rows());
      MEDALLION_RETURN_IF_ERROR(context(ReadRows(*batch, &actions)));
    }
  }
  return actions;
}

}  // namespace medallion::delta
