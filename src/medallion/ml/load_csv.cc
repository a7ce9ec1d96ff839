#include "medallion/ml/load_csv.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <arrow/csv/api.h>
#include <arrow/io/api.h>
#include <yaml-cpp/yaml.h>

#include "medallion/common/arrow_status.h"
#include "medallion/ml/demand_table.h"
#include "medallion/ml/lake_table.h"

namespace medallion::ml {

namespace {

Result<std::vector<std::string>> Names(const YAML::Node& node, const std::string& key, const std::string& path) {
  std::vector<std::string> out;
  if (!node[key]) return out;
  if (node[key].IsScalar()) return std::vector<std::string>{node[key].as<std::string>()};
  if (!node[key].IsSequence()) return Status::InvalidArgument(path + ": '" + key + "' must be a column name or a list");
  for (const auto& item : node[key]) out.push_back(item.as<std::string>());
  return out;
}

Result<std::shared_ptr<arrow::ChunkedArray>> CastColumn(const arrow::Table& table, const std::string& name,
                                                        const std::shared_ptr<arrow::DataType>& type,
                                                        const std::string& csv_path) {
  auto column = table.GetColumnByName(name);
  if (!column) return Status::InvalidArgument("'" + csv_path + "' has no column '" + name + "' (named in the mapping)");
  auto source = column;
  if (type->id() == arrow::Type::DATE32 && (source->type()->id() == arrow::Type::STRING)) {
    auto parsed = FromArrow(arrow::compute::Cast(source, arrow::timestamp(arrow::TimeUnit::SECOND)));
    if (!parsed.ok()) return parsed.status().WithContext("'" + csv_path + "' column '" + name + "'");
    source = parsed->chunked_array();
  }
  auto cast = FromArrow(arrow::compute::Cast(source, type));
  if (!cast.ok()) return cast.status().WithContext("'" + csv_path + "' column '" + name + "'");
  return cast->chunked_array();
}

}  // namespace

Result<ColumnMapping> ReadColumnMapping(const std::string& yaml_path) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(yaml_path);
  } catch (const std::exception& e) {
    return Status::InvalidArgument("column mapping '" + yaml_path + "': " + e.what());
  }
  if (root["mapping"]) root = root["mapping"];
  ColumnMapping mapping;
  try {
    for (const char* key : {"series", "date", "target"}) {
      if (!root[key] || !root[key].IsScalar()) {
        return Status::InvalidArgument("column mapping '" + yaml_path + "' needs '" + key + "': a column name");
      }
    }
    mapping.series = root["series"].as<std::string>();
    mapping.date = root["date"].as<std::string>();
    mapping.target = root["target"].as<std::string>();
    MEDALLION_ASSIGN_OR_RETURN(mapping.known, Names(root, "known", yaml_path));
    MEDALLION_ASSIGN_OR_RETURN(mapping.observed, Names(root, "observed", yaml_path));
    const std::string frequency = root["frequency"] ? root["frequency"].as<std::string>() : "daily";
    if (frequency == "daily") {
      mapping.period_days = 1;
    } else if (frequency == "weekly") {
      mapping.period_days = 7;
    } else {
      return Status::InvalidArgument("column mapping '" + yaml_path + "': frequency must be daily or weekly, got '" +
                                     frequency + "'");
    }
    if (root["season"]) mapping.season = root["season"].as<int>();
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument("column mapping '" + yaml_path + "': " + e.what());
  }
  return mapping;
}

Result<LoadCsvReport> LoadCsv(const std::string& csv_path, const std::string& lake_uri, const std::string& table_name,
                              const ColumnMapping& mapping) {
  auto file = FromArrow(arrow::io::ReadableFile::Open(csv_path));
  if (!file.ok()) return file.status().WithContext("CSV '" + csv_path + "'");
  auto convert = arrow::csv::ConvertOptions::Defaults();
  convert.column_types[mapping.series] = arrow::utf8();  // "1" and "01" stay distinct ids
  convert.column_types[mapping.date] = arrow::utf8();
  MEDALLION_ASSIGN_OR_RETURN_ARROW(
      auto reader, arrow::csv::TableReader::Make(arrow::io::default_io_context(), *file,
                                                 arrow::csv::ReadOptions::Defaults(),
                                                 arrow::csv::ParseOptions::Defaults(), convert));
  auto read = FromArrow(reader->Read());
  if (!read.ok()) return read.status().WithContext("CSV '" + csv_path + "'");
  const arrow::Table& csv = **read;

  arrow::FieldVector fields;
  arrow::ChunkedArrayVector columns;
  auto add = [&](const std::string& name, const std::shared_ptr<arrow::DataType>& type) -> Status {
    MEDALLION_ASSIGN_OR_RETURN(auto column, CastColumn(csv, name, type, csv_path));
    fields.push_back(arrow::field(name, type));
    columns.push_back(std::move(column));
    return Status::OK();
  };
  MEDALLION_RETURN_IF_ERROR(add(mapping.series, arrow::utf8()));
  MEDALLION_RETURN_IF_ERROR(add(mapping.date, arrow::date32()));
  MEDALLION_RETURN_IF_ERROR(add(mapping.target, arrow::float64()));
  for (const auto& name : mapping.known) MEDALLION_RETURN_IF_ERROR(add(name, arrow::float64()));
  for (const auto& name : mapping.observed) MEDALLION_RETURN_IF_ERROR(add(name, arrow::float64()));
  auto data = arrow::Table::Make(arrow::schema(fields), columns, csv.num_rows());

  PanelSpec panel;
  panel.series_column = mapping.series;
  panel.date_column = mapping.date;
  panel.target_column = mapping.target;
  panel.known_columns = mapping.known;
  panel.observed_columns = mapping.observed;
  panel.period_days = mapping.period_days;
  // The mapping must describe a valid panel before anything is written.
  auto check = Panel::FromTable(*data, panel);
  if (!check.ok()) return check.status().WithContext("CSV '" + csv_path + "'");
  const int season = mapping.season > 0 ? mapping.season : (mapping.period_days == 7 ? 52 : 7);

  LoadCsvReport report;
  report.table = table_name;
  report.rows = data->num_rows();
  MEDALLION_ASSIGN_OR_RETURN(report.version,
                             WriteLakeTable(lake_uri, table_name, data, {}, DemandTableProperties(panel, season)));
  return report;
}

}  // namespace medallion::ml
