#include "medallion/ml/evaluate_job.h"

#include <arrow/api.h>
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <tuple>

#include "medallion/common/arrow_status.h"
#include "medallion/ml/demand_table.h"
#include "medallion/ml/lake_table.h"
#include "medallion/transform/gold_columns.h"

namespace medallion::ml {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Sums behind the WAPEs of one (model, version, horizon) group.
struct Sums {
  int64_t rows = 0, oracle_rows = 0;
  double actual = 0, model_error = 0, model_signed = 0, naive_error = 0;
  double oracle_actual = 0, oracle_error = 0, oracle_model_error = 0;
};

// Actual target per (series key, day) and the panel itself for seasonal naive.
struct Actuals {
  Panel panel;
  std::map<std::string, const Series*> by_key;
  int season = 7;
  int period_days = 1;

  // The value on `day` (in periods); NaN when unknown.
  double At(const Series& s, Day day) const {
    const int64_t at = int64_t{day} - s.first_day;
    return at >= 0 && at < static_cast<int64_t>(s.target.size()) ? s.target[at] : kNaN;
  }
  // Seasonal naive from `as_of`: the latest same-season value known then.
  double SeasonalNaive(const Series& s, Day as_of, Day target) const {
    for (Day d = target - season; d >= s.first_day; d -= season) {
      if (d <= as_of) return At(s, d);
    }
    return kNaN;
  }
};

Result<std::map<std::pair<std::string, int32_t>, double>> ReadTruth(const EvaluateOptions& options, bool* found) {
  std::map<std::pair<std::string, int32_t>, double> truth;
  auto table = ReadLakeTable(options.lake_uri, options.truth_table);
  if (!table.ok()) {
    *found = false;
    if (table.status().IsNotFound()) return truth;
    return table.status();
  }
  *found = true;
  MEDALLION_ASSIGN_OR_RETURN(auto products, transform::ReadString(**table, "product_id"));
  MEDALLION_ASSIGN_OR_RETURN(auto dates, transform::ReadDate32(**table, "date"));
  MEDALLION_ASSIGN_OR_RETURN(auto expected, transform::ReadDouble(**table, "expected_units"));
  for (size_t i = 0; i < products.size(); ++i) truth[{ProductKey(products[i]), dates[i]}] = expected[i];
  return truth;
}

Result<std::shared_ptr<arrow::Table>> ToArrow(const std::vector<AccuracyRow>& rows) {
  std::vector<std::string> names;
  std::vector<int64_t> versions, counts, oracle_counts;
  std::vector<int32_t> horizons;
  std::vector<std::optional<double>> wape, mae, bias, naive, oracle;
  auto opt = [](double v) { return std::isfinite(v) ? std::optional<double>(v) : std::nullopt; };
  for (const auto& r : rows) {
    names.push_back(r.model_name);
    versions.push_back(r.model_version);
    horizons.push_back(r.horizon);
    counts.push_back(r.rows);
    wape.push_back(opt(r.model_wape));
    mae.push_back(opt(r.model_mae));
    bias.push_back(opt(r.model_bias));
    naive.push_back(opt(r.seasonal_naive_wape));
    oracle.push_back(opt(r.oracle_wape));
    oracle_counts.push_back(r.oracle_rows);
  }
  MEDALLION_ASSIGN_OR_RETURN(auto at_array, NowColumn(rows.size()));
  auto f = [](const char* name, std::shared_ptr<arrow::DataType> type) { return arrow::field(name, std::move(type)); };
  auto schema = arrow::schema({f("model_name", arrow::utf8()), f("model_version", arrow::int64()),
                               f("horizon", arrow::int32()), f("rows", arrow::int64()), f("model_wape", arrow::float64()),
                               f("model_mae", arrow::float64()), f("model_bias", arrow::float64()),
                               f("seasonal_naive_wape", arrow::float64()), f("oracle_wape", arrow::float64()),
                               f("oracle_rows", arrow::int64()),
                               f("evaluated_at", arrow::timestamp(arrow::TimeUnit::MICRO, "UTC"))});
  using namespace transform;
  return arrow::Table::Make(schema, {StringArray(names), Int64Array(versions), Int32Array(horizons), Int64Array(counts),
                                     OptionalDoubleArray(wape), OptionalDoubleArray(mae), OptionalDoubleArray(bias),
                                     OptionalDoubleArray(naive), OptionalDoubleArray(oracle),
                                     Int64Array(oracle_counts), at_array});
}

}  // namespace

std::string EvaluateReport::ToString() const {
  std::string out = fmt::format("{:<12} {:>7} {:>7} {:>8} {:>11} {:>20} {:>12}\n", "model", "version", "horizon", "rows",
                                "model WAPE", "seasonal naive WAPE", "oracle WAPE");
  for (const auto& r : rows) {
    const std::string oracle = std::isfinite(r.oracle_wape) ? fmt::format("{:.4f}", r.oracle_wape) : "n/a";
    out += fmt::format("{:<12} {:>7} {:>7} {:>8} {:>11.4f} {:>20.4f} {:>12}\n", r.model_name, r.model_version,
                       r.horizon == 0 ? std::string("all") : "J+" + std::to_string(r.horizon), r.rows, r.model_wape,
                       r.seasonal_naive_wape, oracle);
  }
  if (!has_truth) out += "(no _truth/daily_demand in this lake: no oracle)\n";
  return out;
}

Result<EvaluateReport> EvaluateDemand(const EvaluateOptions& options) {
  auto forecasts_or = ReadLakeTable(options.lake_uri, options.forecast_table);
  if (!forecasts_or.ok()) return forecasts_or.status().WithContext("run `medallion predict` first");
  const arrow::Table& forecasts = **forecasts_or;
  MEDALLION_ASSIGN_OR_RETURN(auto levels, transform::ReadString(forecasts, "level"));
  MEDALLION_ASSIGN_OR_RETURN(auto keys, transform::ReadString(forecasts, "key"));
  MEDALLION_ASSIGN_OR_RETURN(auto names, transform::ReadString(forecasts, "model_name"));
  MEDALLION_ASSIGN_OR_RETURN(auto versions, transform::ReadInt64(forecasts, "model_version"));
  MEDALLION_ASSIGN_OR_RETURN(auto horizons, transform::ReadInt64(forecasts, "horizon"));
  MEDALLION_ASSIGN_OR_RETURN(auto as_of, transform::ReadDate32(forecasts, "as_of_date"));
  MEDALLION_ASSIGN_OR_RETURN(auto targets, transform::ReadDate32(forecasts, "target_date"));
  MEDALLION_ASSIGN_OR_RETURN(auto values, transform::ReadDouble(forecasts, "forecast"));

  MEDALLION_ASSIGN_OR_RETURN(DemandTable table, ReadDemandTable(options.lake_uri, options.features_table, ""));
  auto panel = Panel::FromTable(*table.rows, table.spec.panel);
  if (!panel.ok()) return panel.status().WithContext(options.features_table);
  Actuals actuals{std::move(panel).value(), {}, table.spec.features.season, table.spec.panel.period_days};
  for (const auto& s : actuals.panel.series()) actuals.by_key[ProductKey(s.id)] = &s;

  EvaluateReport report;
  MEDALLION_ASSIGN_OR_RETURN(auto truth, ReadTruth(options, &report.has_truth));

  std::map<std::tuple<std::string, int64_t, int>, Sums> groups;
  for (size_t i = 0; i < levels.size(); ++i) {
    if (levels[i] != "product" || (!options.model_name.empty() && names[i] != options.model_name)) continue;
    auto series = actuals.by_key.find(ProductKey(keys[i]));
    if (series == actuals.by_key.end()) continue;
    const Day target = targets[i] / actuals.period_days, origin = as_of[i] / actuals.period_days;
    const double actual = actuals.At(*series->second, target);
    const double naive = actuals.SeasonalNaive(*series->second, origin, target);
    if (std::isnan(actual) || std::isnan(naive)) continue;  // not happened yet, or no naive to compare with
    for (int h : {static_cast<int>(horizons[i]), 0}) {
      Sums& s = groups[{names[i], versions[i], h}];
      s.rows += 1;
      s.actual += std::abs(actual);
      s.model_error += std::abs(actual - values[i]);
      s.model_signed += values[i] - actual;
      s.naive_error += std::abs(actual - naive);
      auto expected = truth.find({ProductKey(keys[i]), targets[i]});
      if (expected != truth.end()) {
        s.oracle_rows += 1;
        s.oracle_actual += std::abs(actual);
        s.oracle_error += std::abs(actual - expected->second);
      }
    }
  }
  for (const auto& [key, s] : groups) {
    AccuracyRow row;
    std::tie(row.model_name, row.model_version, row.horizon) = key;
    row.rows = s.rows;
    row.model_wape = s.actual > 0 ? s.model_error / s.actual : kNaN;
    row.model_mae = s.model_error / static_cast<double>(s.rows);
    row.model_bias = s.model_signed / static_cast<double>(s.rows);
    row.seasonal_naive_wape = s.actual > 0 ? s.naive_error / s.actual : kNaN;
    row.oracle_rows = s.oracle_rows;
    row.oracle_wape = s.oracle_actual > 0 ? s.oracle_error / s.oracle_actual : kNaN;
    report.rows.push_back(row);
  }
  // Pooled row (horizon 0) last within each model version.
  std::stable_sort(report.rows.begin(), report.rows.end(), [](const AccuracyRow& a, const AccuracyRow& b) {
    return std::tie(a.model_name, a.model_version) < std::tie(b.model_name, b.model_version) ||
           (std::tie(a.model_name, a.model_version) == std::tie(b.model_name, b.model_version) &&
            (a.horizon == 0 ? 1000 : a.horizon) < (b.horizon == 0 ? 1000 : b.horizon));
  });
  if (report.rows.empty()) {
    return Status::NotFound("no forecast in " + options.forecast_table + " has actuals yet in " + options.features_table);
  }
  MEDALLION_ASSIGN_OR_RETURN(auto arrow_rows, ToArrow(report.rows));
  MEDALLION_ASSIGN_OR_RETURN(report.table_version, WriteLakeTable(options.lake_uri, options.output_table, arrow_rows));
  return report;
}

}  // namespace medallion::ml
