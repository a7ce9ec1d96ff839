// A long table of many daily series (series_id, date, target, known-in-advance
// columns such as price, promo or holidays) laid out as one dense daily array
// per series. Missing days and null targets are NaN. Series are ordered by id
// and values by date, so the input's row order never matters.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "medallion/common/result.h"

namespace arrow {
class Table;
}

namespace medallion::ml {

// Which columns of the long table play which part. The defaults match the
// Gold features table; other datasets map their own names here (config).
struct PanelSpec {
  std::string series_column = "series_id";  // any type; compared as text
  std::string date_column = "date";         // date32, date64, timestamp or "YYYY-MM-DD" text
  std::string target_column = "target";     // numeric; null = unknown (e.g. the future)
  // Columns whose value for a day is known before that day (price, promo,
  // holiday flags...). Only these may be read at the target date.
  std::vector<std::string> known_columns;
  // Columns only known once their day has happened, like the target (the
  // day's average price or promotion share read from the orders). Features
  // may read them up to the forecast origin, never at the target day.
  std::vector<std::string> observed_columns;
  // Days between two observations: 1 for daily data, 7 for weekly. Series are
  // indexed in periods (date / period_days), so weekly rows are consecutive.
  int period_days = 1;
};

// Days since 1970-01-01 (periods since then, days / period_days, for data
// that is not daily).
using Day = int32_t;

struct Series {
  std::string id;
  Day first_day = 0;            // date of target[0]
  std::vector<double> target;   // one value per day from first_day
  std::vector<std::vector<double>> known;  // [known column][day], same length as target
  std::vector<std::vector<double>> observed;  // [observed column][day], same length as target

  Day last_day() const { return first_day + static_cast<Day>(target.size()) - 1; }
};

class Panel {
 public:
  // InvalidArgument names the missing column, the bad type, or the duplicated
  // (series, date) pair.
  static Result<Panel> FromTable(const arrow::Table& table, const PanelSpec& spec);

  const PanelSpec& spec() const { return spec_; }
  const std::vector<Series>& series() const { return series_; }
  Day first_day() const { return first_day_; }
  Day last_day() const { return last_day_; }
  // The last day with a known (non-NaN) target in any series.
  Day last_observed_day() const { return last_observed_day_; }
  // The calendar date (days since the epoch) of `period`. Weekly periods are
  // date / 7, which drops the weekday every date shares (Walmart's weeks end
  // on Fridays, the epoch was a Thursday); it is added back here.
  Day DateOf(Day period) const { return period * spec_.period_days + phase_; }

 private:
  PanelSpec spec_;
  std::vector<Series> series_;
  Day first_day_ = 0, last_day_ = -1, last_observed_day_ = -1;
  Day phase_ = 0;  // date % period_days, the same for every row
};

// "2024-03-01" for day 19783.
std::string FormatDay(Day day);

}  // namespace medallion::ml
