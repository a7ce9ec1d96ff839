// Loading a dataset from a CSV file into a lake table the forecaster can
// train on, so the pipeline is not tied to the Gold layout: a small YAML
// mapping names the date, series id and target columns and the optional
// exogenous ones, e.g. for weekly sales per store and department:
//
//   series: id              # one series per value
//   date: Date              # YYYY-MM-DD
//   target: Weekly_Sales
//   frequency: weekly       # daily (default) or weekly
//   known: [IsHoliday]      # known in advance for the forecast day
//   observed: [Temperature] # only known once the day has happened
//   season: 52              # optional; default 7 daily, 52 weekly
//
// The mapping is stored in the table's properties (see demand_table.h), so
// `medallion train --table <t>` and `predict` need no further flag.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "medallion/common/result.h"

namespace medallion::ml {

struct ColumnMapping {
  std::string series, date, target;
  std::vector<std::string> known, observed;
  int period_days = 1;
  int season = 0;  // 0: the frequency's default
};

// InvalidArgument names the file and the missing or malformed key.
Result<ColumnMapping> ReadColumnMapping(const std::string& yaml_path);

struct LoadCsvReport {
  std::string table;
  int64_t rows = 0;
  int64_t version = -1;
};

// Replaces <lake>/<table> with the mapped columns of `csv_path` (date as
// date32, target and exogenous columns as float64, series id as text).
Result<LoadCsvReport> LoadCsv(const std::string& csv_path, const std::string& lake_uri, const std::string& table,
                              const ColumnMapping& mapping);

}  // namespace medallion::ml
