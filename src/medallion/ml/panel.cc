#include "medallion/ml/panel.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>

#include "medallion/common/arrow_status.h"

namespace medallion::ml {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Result<std::shared_ptr<arrow::ChunkedArray>> Column(const arrow::Table& table, const std::string& name,
                                                    const std::string& role) {
  auto column = table.GetColumnByName(name);
  if (!column) return Status::InvalidArgument(role + " column '" + name + "' is not in the table");
  return column;
}

Result<std::shared_ptr<arrow::ChunkedArray>> CastColumn(const std::shared_ptr<arrow::ChunkedArray>& column,
                                                        const std::shared_ptr<arrow::DataType>& type,
                                                        const std::string& name) {
  if (column->type()->Equals(*type)) return column;
  auto cast = FromArrow(arrow::compute::Cast(arrow::Datum(column), type));
  if (!cast.ok()) {
    return Status::InvalidArgument("column '" + name + "' of type " + column->type()->ToString() +
                                   " cannot be read as " + type->ToString() + ": " + cast.status().message());
  }
  return cast->chunked_array();
}

// Dates as days: date32 as is; timestamps, date64 and text through Arrow's casts.
Result<std::shared_ptr<arrow::ChunkedArray>> DayColumn(const std::shared_ptr<arrow::ChunkedArray>& column,
                                                       const std::string& name) {
  auto source = column;
  if (source->type()->id() == arrow::Type::STRING || source->type()->id() == arrow::Type::LARGE_STRING) {
    MEDALLION_ASSIGN_OR_RETURN(source, CastColumn(source, arrow::timestamp(arrow::TimeUnit::SECOND), name));
  }
  return CastColumn(source, arrow::date32(), name);
}

template <typename ArrayType, typename Fn>
void ForEach(const arrow::ChunkedArray& column, Fn&& fn) {
  int64_t row = 0;
  for (const auto& chunk : column.chunks()) {
    const auto& array = static_cast<const ArrayType&>(*chunk);
    for (int64_t i = 0; i < array.length(); ++i, ++row) fn(row, array, i);
  }
}

}  // namespace

std::string FormatDay(Day day) {
  std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{day}}};
  char buffer[16];
  std::snprintf(buffer, sizeof(buffer), "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buffer;
}

Result<Panel> Panel::FromTable(const arrow::Table& table, const PanelSpec& spec) {
  const int64_t rows = table.num_rows();
  MEDALLION_ASSIGN_OR_RETURN(auto series_raw, Column(table, spec.series_column, "series"));
  MEDALLION_ASSIGN_OR_RETURN(auto date_raw, Column(table, spec.date_column, "date"));
  MEDALLION_ASSIGN_OR_RETURN(auto target_raw, Column(table, spec.target_column, "target"));
  MEDALLION_ASSIGN_OR_RETURN(auto series_col, CastColumn(series_raw, arrow::utf8(), spec.series_column));
  MEDALLION_ASSIGN_OR_RETURN(auto date_col, DayColumn(date_raw, spec.date_column));
  MEDALLION_ASSIGN_OR_RETURN(auto target_col, CastColumn(target_raw, arrow::float64(), spec.target_column));
  std::vector<std::shared_ptr<arrow::ChunkedArray>> known_cols;
  for (const auto& name : spec.known_columns) {
    MEDALLION_ASSIGN_OR_RETURN(auto raw, Column(table, name, "known"));
    MEDALLION_ASSIGN_OR_RETURN(auto cast, CastColumn(raw, arrow::float64(), name));
    known_cols.push_back(std::move(cast));
  }
  std::vector<std::shared_ptr<arrow::ChunkedArray>> observed_cols;
  for (const auto& name : spec.observed_columns) {
    MEDALLION_ASSIGN_OR_RETURN(auto raw, Column(table, name, "observed"));
    MEDALLION_ASSIGN_OR_RETURN(auto cast, CastColumn(raw, arrow::float64(), name));
    observed_cols.push_back(std::move(cast));
  }
  if (spec.period_days < 1) return Status::InvalidArgument("panel period_days must be >= 1");

  std::vector<std::string> ids(rows);
  std::vector<Day> days(rows);
  std::vector<double> targets(rows, kNaN);
  Status bad;
  ForEach<arrow::StringArray>(*series_col, [&](int64_t row, const arrow::StringArray& a, int64_t i) {
    if (a.IsNull(i) && bad.ok()) bad = Status::InvalidArgument("series column '" + spec.series_column + "' is null at row " + std::to_string(row));
    ids[row] = a.GetString(i);
  });
  int32_t phase = -1;  // weekday (or other phase) every date must share
  ForEach<arrow::Date32Array>(*date_col, [&](int64_t row, const arrow::Date32Array& a, int64_t i) {
    if (a.IsNull(i) && bad.ok()) bad = Status::InvalidArgument("date column '" + spec.date_column + "' is null at row " + std::to_string(row));
    days[row] = a.Value(i);
    if (spec.period_days > 1) {
      if (phase < 0) phase = a.Value(i) % spec.period_days;
      if (a.Value(i) % spec.period_days != phase && bad.ok()) {
        bad = Status::InvalidArgument("date column '" + spec.date_column + "' row " + std::to_string(row) + " (" +
                                      FormatDay(a.Value(i)) + ") is not a whole number of periods of " +
                                      std::to_string(spec.period_days) + " days after row 0");
      }
      days[row] = a.Value(i) / spec.period_days;
    }
  });
  MEDALLION_RETURN_IF_ERROR(bad);
  ForEach<arrow::DoubleArray>(*target_col, [&](int64_t row, const arrow::DoubleArray& a, int64_t i) {
    if (a.IsValid(i)) targets[row] = a.Value(i);
  });

  // Group rows by series (ordered by id: row order must not matter).
  std::map<std::string, std::vector<int64_t>> rows_by_series;
  for (int64_t r = 0; r < rows; ++r) rows_by_series[ids[r]].push_back(r);

  std::vector<std::vector<double>> known_values(known_cols.size(), std::vector<double>(rows, kNaN));
  for (size_t k = 0; k < known_cols.size(); ++k) {
    ForEach<arrow::DoubleArray>(*known_cols[k], [&](int64_t row, const arrow::DoubleArray& a, int64_t i) {
      if (a.IsValid(i)) known_values[k][row] = a.Value(i);
    });
  }
  std::vector<std::vector<double>> observed_values(observed_cols.size(), std::vector<double>(rows, kNaN));
  for (size_t k = 0; k < observed_cols.size(); ++k) {
    ForEach<arrow::DoubleArray>(*observed_cols[k], [&](int64_t row, const arrow::DoubleArray& a, int64_t i) {
      if (a.IsValid(i)) observed_values[k][row] = a.Value(i);
    });
  }

  Panel panel;
  panel.spec_ = spec;
  panel.phase_ = std::max(phase, 0);
  panel.first_day_ = std::numeric_limits<Day>::max();
  panel.last_day_ = std::numeric_limits<Day>::min();
  for (auto& [id, members] : rows_by_series) {
    Series s;
    s.id = id;
    auto [lo, hi] = std::minmax_element(members.begin(), members.end(),
                                        [&](int64_t a, int64_t b) { return days[a] < days[b]; });
    s.first_day = days[*lo];
    const size_t length = static_cast<size_t>(days[*hi] - days[*lo]) + 1;
    s.target.assign(length, kNaN);
    s.known.assign(known_cols.size(), std::vector<double>(length, kNaN));
    s.observed.assign(observed_cols.size(), std::vector<double>(length, kNaN));
    std::vector<bool> seen(length, false);
    for (int64_t r : members) {
      const size_t at = static_cast<size_t>(days[r] - s.first_day);
      if (seen[at]) {
        return Status::InvalidArgument("series '" + id + "' has more than one row for date " + FormatDay(days[r]));
      }
      seen[at] = true;
      s.target[at] = targets[r];
      for (size_t k = 0; k < known_cols.size(); ++k) s.known[k][at] = known_values[k][r];
      for (size_t k = 0; k < observed_cols.size(); ++k) s.observed[k][at] = observed_values[k][r];
      if (!std::isnan(targets[r])) panel.last_observed_day_ = std::max(panel.last_observed_day_, days[r]);
    }
    panel.first_day_ = std::min(panel.first_day_, s.first_day);
    panel.last_day_ = std::max(panel.last_day_, s.last_day());
    panel.series_.push_back(std::move(s));
  }
  if (panel.series_.empty()) panel.first_day_ = 0, panel.last_day_ = -1;
  return panel;
}

}  // namespace medallion::ml
