#include "medallion/cli/table_io.h"

#include <arrow/api.h>
#include <arrow/csv/api.h>
#include <arrow/io/file.h>
#include <arrow/io/memory.h>
#include <arrow/json/api.h>
#include <fmt/format.h>
#include <parquet/arrow/reader.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "medallion/common/arrow_status.h"
#include "medallion/delta/value_format.h"

namespace medallion::cli {

namespace {

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

nlohmann::ordered_json ScalarToJson(const arrow::Scalar& s) {
  using json = nlohmann::ordered_json;
  if (!s.is_valid) return nullptr;
  switch (s.type->id()) {
    case arrow::Type::BOOL: return static_cast<const arrow::BooleanScalar&>(s).value;
    case arrow::Type::INT8: return static_cast<const arrow::Int8Scalar&>(s).value;
    case arrow::Type::INT16: return static_cast<const arrow::Int16Scalar&>(s).value;
    case arrow::Type::INT32: return static_cast<const arrow::Int32Scalar&>(s).value;
    case arrow::Type::INT64: return static_cast<const arrow::Int64Scalar&>(s).value;
    case arrow::Type::FLOAT: return static_cast<const arrow::FloatScalar&>(s).value;
    case arrow::Type::DOUBLE: return static_cast<const arrow::DoubleScalar&>(s).value;
    case arrow::Type::STRING:
    case arrow::Type::LARGE_STRING:
      return static_cast<const arrow::BaseBinaryScalar&>(s).ToString();
    case arrow::Type::DATE32: return delta::FormatDate(static_cast<const arrow::Date32Scalar&>(s).value);
    case arrow::Type::TIMESTAMP: {
      const auto& type = static_cast<const arrow::TimestampType&>(*s.type);
      auto micros = delta::ToMicros(static_cast<const arrow::TimestampScalar&>(s).value, type.unit());
      return delta::FormatTimestampMicros(micros, 'T') + "Z";
    }
    case arrow::Type::STRUCT: {
      const auto& st = static_cast<const arrow::StructScalar&>(s);
      json obj = json::object();
      for (int i = 0; i < s.type->num_fields(); ++i) obj[s.type->field(i)->name()] = ScalarToJson(*st.value[i]);
      return obj;
    }
    case arrow::Type::MAP: {
      const auto& m = static_cast<const arrow::MapScalar&>(s);
      json obj = json::object();
      const auto& entries = static_cast<const arrow::StructArray&>(*m.value);
      for (int64_t i = 0; i < entries.length(); ++i) {
        auto key = entries.field(0)->GetScalar(i).ValueOrDie();
        auto value = entries.field(1)->GetScalar(i).ValueOrDie();
        obj[key->ToString()] = ScalarToJson(*value);
      }
      return obj;
    }
    case arrow::Type::LIST: {
      const auto& l = static_cast<const arrow::ListScalar&>(s);
      json arr = json::array();
      for (int64_t i = 0; i < l.value->length(); ++i) arr.push_back(ScalarToJson(*l.value->GetScalar(i).ValueOrDie()));
      return arr;
    }
    default:
      return s.ToString();
  }
}

std::string CellText(const arrow::Scalar& s) {
  if (!s.is_valid) return "null";
  auto j = ScalarToJson(s);
  return j.is_string() ? j.get<std::string>() : j.dump();
}

}  // namespace

Result<std::shared_ptr<arrow::Table>> ReadInputFile(const std::string& path) {
  auto opened = FromArrow(arrow::io::ReadableFile::Open(path));
  if (!opened.ok()) return Status::NotFound(fmt::format("cannot open input file {}: {}", path, opened.status().message()));
  auto file = *opened;
  auto with_path = [&](const Status& s) { return Status(s.code(), fmt::format("{}: {}", path, s.message())); };
  if (EndsWith(path, ".parquet")) {
    auto reader = FromArrow(parquet::arrow::OpenFile(file, arrow::default_memory_pool()));
    if (!reader.ok()) return with_path(reader.status());
    std::shared_ptr<arrow::Table> table;
    Status st = FromArrow((*reader)->ReadTable(&table));
    if (!st.ok()) return with_path(st);
    return table;
  }
  if (EndsWith(path, ".csv")) {
    auto reader = FromArrow(arrow::csv::TableReader::Make(arrow::io::default_io_context(), file,
                                                           arrow::csv::ReadOptions::Defaults(),
                                                           arrow::csv::ParseOptions::Defaults(),
                                                           arrow::csv::ConvertOptions::Defaults()));
    if (!reader.ok()) return with_path(reader.status());
    auto table = FromArrow((*reader)->Read());
    if (!table.ok()) return with_path(table.status());
    return *table;
  }
  if (EndsWith(path, ".jsonl") || EndsWith(path, ".json") || EndsWith(path, ".ndjson")) {
    auto reader = FromArrow(arrow::json::TableReader::Make(arrow::default_memory_pool(), file,
                                                            arrow::json::ReadOptions::Defaults(),
                                                            arrow::json::ParseOptions::Defaults()));
    if (!reader.ok()) return with_path(reader.status());
    auto table = FromArrow((*reader)->Read());
    if (!table.ok()) return with_path(table.status());
    return *table;
  }
  return Status::InvalidArgument(fmt::format("{}: unknown input format (use .parquet, .csv or .jsonl)", path));
}

Status RowPrinter::Print(const arrow::Table& rows) {
  if (format_ == "table") {
    if (!buffered_) {
      buffered_ = arrow::Table::Make(rows.schema(), rows.columns(), rows.num_rows());
    } else {
      MEDALLION_ASSIGN_OR_RETURN_ARROW(buffered_, arrow::ConcatenateTables({buffered_, arrow::Table::Make(
                                                                                           rows.schema(), rows.columns(),
                                                                                           rows.num_rows())}));
    }
    return Status::OK();
  }
  if (format_ == "csv") {
    auto options = arrow::csv::WriteOptions::Defaults();
    options.include_header = !header_done_;
    header_done_ = true;
    MEDALLION_ASSIGN_OR_RETURN_ARROW(auto sink, arrow::io::BufferOutputStream::Create());
    MEDALLION_RETURN_IF_ARROW_ERROR(arrow::csv::WriteCSV(rows, options, sink.get()));
    MEDALLION_ASSIGN_OR_RETURN_ARROW(auto buffer, sink->Finish());
    out_ << buffer->ToString();
    return Status::OK();
  }
  if (format_ == "json") {
    for (int64_t r = 0; r < rows.num_rows(); ++r) {
      nlohmann::ordered_json row = nlohmann::ordered_json::object();
      for (int c = 0; c < rows.num_columns(); ++c) {
        MEDALLION_ASSIGN_OR_RETURN_ARROW(auto scalar, rows.column(c)->GetScalar(r));
        row[rows.schema()->field(c)->name()] = ScalarToJson(*scalar);
      }
      out_ << row.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
    }
    return Status::OK();
  }
  return Status::InvalidArgument(fmt::format("unknown output format '{}' (table, csv, json)", format_));
}

Status RowPrinter::Finish() {
  if (format_ != "table") return Status::OK();
  if (!buffered_) return Status::OK();
  const auto& t = *buffered_;
  std::vector<std::vector<std::string>> cells(t.num_rows() + 1);
  std::vector<size_t> widths(t.num_columns(), 0);
  for (int c = 0; c < t.num_columns(); ++c) {
    cells[0].push_back(t.schema()->field(c)->name());
  }
  for (int64_t r = 0; r < t.num_rows(); ++r) {
    for (int c = 0; c < t.num_columns(); ++c) {
      MEDALLION_ASSIGN_OR_RETURN_ARROW(auto scalar, t.column(c)->GetScalar(r));
      cells[r + 1].push_back(CellText(*scalar));
    }
  }
  for (const auto& row : cells) {
    for (size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], row[c].size());
  }
  for (size_t r = 0; r < cells.size(); ++r) {
    for (size_t c = 0; c < cells[r].size(); ++c) {
      out_ << (c ? " | " : "") << cells[r][c] << std::string(widths[c] - cells[r][c].size(), ' ');
    }
    out_ << '\n';
    if (r == 0) {
      for (size_t c = 0; c < widths.size(); ++c) out_ << (c ? "-+-" : "") << std::string(widths[c], '-');
      out_ << '\n';
    }
  }
  out_ << "(" << t.num_rows() << " rows)\n";
  return Status::OK();
}

}  // namespace medallion::cli
