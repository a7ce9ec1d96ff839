#include "medallion/ml/predict_job.h"

#include <arrow/api.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>

#include "medallion/ml/dataset.h"
#include "medallion/ml/demand_table.h"
#include "medallion/ml/lake_table.h"
#include "medallion/ml/model.h"
#include "medallion/ml/parquet_file.h"
#include "medallion/common/arrow_status.h"
#include "medallion/ml/registry.h"
#include "medallion/transform/gold_columns.h"
#include "medallion/transform/gold_job.h"

namespace medallion::ml {

namespace {

constexpr int kCityShareDays = 28;

struct ForecastRow {
  int32_t as_of = 0, target = 0;
  int horizon = 0;
  std::string level, key;
  double forecast = 0, lower = 0, upper = 0;
};

// The registered version to forecast with: the champion, else the newest.
Result<ModelVersion> ChooseVersion(const Registry& registry, const PredictOptions& options, PredictReport& report) {
  if (options.version >= 0) {
    report.used_champion = false;
    report.note = fmt::format("version {} as asked", options.version);
    return registry.Get(options.model_name, options.version);
  }
  MEDALLION_ASSIGN_OR_RETURN(auto champion, registry.Alias(options.model_name, kChampionAlias));
  if (champion) return *champion;
  MEDALLION_ASSIGN_OR_RETURN(auto versions, registry.List(options.model_name));
  if (versions.empty()) {
    return Status::NotFound("no model '" + options.model_name + "' in the registry of " + options.lake_uri +
                            ": run `medallion train` first");
  }
  report.used_champion = false;
  report.note = fmt::format("no champion for '{}': used the newest version {}", options.model_name,
                            versions.back().version);
  return versions.back();
}

// Residual quantile `q` of horizon `h` from the backtest metrics (0 if absent).
double Residual(const nlohmann::json& metrics, int horizon, double q) {
  const std::string h = std::to_string(horizon), key = fmt::format("{:g}", q);
  if (!metrics.contains("by_horizon") || !metrics["by_horizon"].contains(h)) return 0;
  const auto& quantiles = metrics["by_horizon"][h].value("residual_quantiles", nlohmann::json::object());
  return quantiles.contains(key) && quantiles[key].is_number() ? quantiles[key].get<double>() : 0;
}

// Category and city mix per product from Silver orders of the last
// kCityShareDays days up to `as_of`. Empty when the lake has no Silver orders
// (a dataset loaded from CSV): then there is nothing to roll up by.
struct ProductMix {
  std::string category;
  std::map<std::string, double> city_units;
  double units = 0;
};

Result<std::map<std::string, ProductMix>> ReadProductMix(const std::string& lake_uri, int32_t as_of) {
  auto silver = ReadLakeTable(lake_uri, "silver/orders");
  if (!silver.ok()) {
    if (silver.status().IsNotFound()) return std::map<std::string, ProductMix>{};
    return silver.status();
  }
  const auto& table = **silver;
  MEDALLION_ASSIGN_OR_RETURN(auto products, transform::ReadString(table, "product_id"));
  MEDALLION_ASSIGN_OR_RETURN(auto categories, transform::ReadString(table, "category"));
  MEDALLION_ASSIGN_OR_RETURN(auto cities, transform::ReadString(table, "city"));
  MEDALLION_ASSIGN_OR_RETURN(auto types, transform::ReadString(table, "event_type"));
  MEDALLION_ASSIGN_OR_RETURN(auto quantities, transform::ReadInt64(table, "quantity"));
  MEDALLION_ASSIGN_OR_RETURN(auto dates, transform::ReadDate32(table, "event_date"));
  std::map<std::string, ProductMix> mix;
  for (size_t i = 0; i < products.size(); ++i) {
    if (types[i] != "order_created" || dates[i] > as_of) continue;
    ProductMix& m = mix[ProductKey(products[i])];
    m.category = categories[i];
    if (dates[i] > as_of - kCityShareDays) {
      m.city_units[cities[i]] += static_cast<double>(quantities[i]);
      m.units += static_cast<double>(quantities[i]);
    }
  }
  return mix;
}

std::vector<ForecastRow> RollUp(const std::vector<ForecastRow>& products, const std::map<std::string, ProductMix>& mix) {
  // (level, key, horizon) -> summed row
  std::map<std::tuple<std::string, std::string, int>, ForecastRow> sums;
  auto add = [&](const ForecastRow& p, const std::string& level, const std::string& key, double share) {
    ForecastRow& r = sums[{level, key, p.horizon}];
    r.as_of = p.as_of, r.target = p.target, r.horizon = p.horizon, r.level = level, r.key = key;
    r.forecast += share * p.forecast, r.lower += share * p.lower, r.upper += share * p.upper;
  };
  for (const auto& p : products) {
    auto it = mix.find(ProductKey(p.key));
    if (it == mix.end()) continue;
    add(p, "category", it->second.category, 1.0);
    if (it->second.units <= 0) continue;
    for (const auto& [city, units] : it->second.city_units) add(p, "city", city, units / it->second.units);
  }
  std::vector<ForecastRow> out;
  for (auto& [key, row] : sums) out.push_back(row);
  return out;
}

Result<std::shared_ptr<arrow::Table>> ToArrow(const std::vector<ForecastRow>& rows, const ModelVersion& version,
                                              const Panel& panel) {
  std::vector<int32_t> as_of, target, horizon;
  std::vector<std::string> level, key, names;
  std::vector<double> forecast, lower, upper;
  std::vector<int64_t> versions;
  for (const auto& r : rows) {
    as_of.push_back(panel.DateOf(r.as_of));
    target.push_back(panel.DateOf(r.target));
    horizon.push_back(r.horizon);
    level.push_back(r.level);
    key.push_back(r.key);
    forecast.push_back(r.forecast);
    lower.push_back(r.lower);
    upper.push_back(r.upper);
    names.push_back(version.name);
    versions.push_back(version.version);
  }
  MEDALLION_ASSIGN_OR_RETURN(auto created_array, NowColumn(rows.size()));
  auto schema = arrow::schema({arrow::field("as_of_date", arrow::date32()), arrow::field("target_date", arrow::date32()),
                               arrow::field("horizon", arrow::int32()), arrow::field("level", arrow::utf8()),
                               arrow::field("key", arrow::utf8()), arrow::field("forecast", arrow::float64()),
                               arrow::field("lower", arrow::float64()), arrow::field("upper", arrow::float64()),
                               arrow::field("model_name", arrow::utf8()), arrow::field("model_version", arrow::int64()),
                               arrow::field("created_at", arrow::timestamp(arrow::TimeUnit::MICRO, "UTC"))});
  return arrow::Table::Make(
      schema, {transform::Date32Array(as_of), transform::Date32Array(target), transform::Int32Array(horizon),
               transform::StringArray(level), transform::StringArray(key), transform::DoubleArray(forecast),
               transform::DoubleArray(lower), transform::DoubleArray(upper), transform::StringArray(names),
               transform::Int64Array(versions), created_array});
}

Status WriteScoredRows(const Dataset& rows, const std::vector<double>& predictions, const std::string& path) {
  MEDALLION_ASSIGN_OR_RETURN(auto table, DatasetToArrowTable(rows));
  MEDALLION_ASSIGN_OR_RETURN_ARROW(
      table, table->AddColumn(table->num_columns(), arrow::field("prediction", arrow::float64()),
                              std::make_shared<arrow::ChunkedArray>(transform::DoubleArray(predictions))));
  return WriteParquetFile(*table, path);
}

}  // namespace

std::string PredictReport::ToString() const {
  std::string out = fmt::format("forecast as of {} with {} version {}{}\n", as_of, model_name, model_version,
                                used_champion ? " (champion)" : "");
  if (!note.empty()) out += "note: " + note + "\n";
  out += fmt::format("  {} product rows, {} category rows, {} city rows -> gold/demand_forecast version {}\n",
                     product_rows, category_rows, city_rows, table_version);
  return out;
}

Result<PredictReport> PredictDemand(const PredictOptions& options) {
  if (options.max_horizon < 1) return Status::InvalidArgument("predict: max horizon must be >= 1");
  PredictReport report;
  report.model_name = options.model_name;
  MEDALLION_ASSIGN_OR_RETURN(auto registry, Registry::Open(options.lake_uri));
  MEDALLION_ASSIGN_OR_RETURN(ModelVersion version, ChooseVersion(registry, options, report));
  report.model_version = version.version;
  const std::string cache = (std::filesystem::temp_directory_path() / "medallion-model-cache").string();
  MEDALLION_ASSIGN_OR_RETURN(std::string model_path, registry.LocalModelFile(version, cache));
  MEDALLION_ASSIGN_OR_RETURN(auto model, LoadModelFile(model_path));
  const auto params = nlohmann::json::parse(version.params_json, nullptr, false);
  const auto metrics = nlohmann::json::parse(version.metrics_json, nullptr, false);
  int max_horizon = options.max_horizon;
  if (params.is_object() && params.contains("max_horizon") && params["max_horizon"].is_number_integer()) {
    max_horizon = std::min(max_horizon, params["max_horizon"].get<int>());
  }
  const std::string source = version.trained_on_table.empty() ? options.features_table : version.trained_on_table;
  MEDALLION_ASSIGN_OR_RETURN(DemandTable table, ReadDemandTable(options.lake_uri, source, options.as_of));
  auto panel_or = Panel::FromTable(*table.rows, table.spec.panel);
  if (!panel_or.ok()) return panel_or.status().WithContext(source);
  const Panel& panel = *panel_or;
  const FeatureBuilder features = table.spec.Builder();
  const Day origin = panel.last_observed_day();
  report.as_of = FormatDay(panel.DateOf(origin));

  std::vector<int> horizons;
  for (int h = 1; h <= max_horizon; ++h) horizons.push_back(h);
  const Dataset future = BuildStackedDataset(panel, features, horizons, OriginRange{origin, origin, /*require_label=*/false});
  MEDALLION_ASSIGN_OR_RETURN(auto points, model->Predict(future.x));
  if (!options.rows_out.empty()) MEDALLION_RETURN_IF_ERROR(WriteScoredRows(future, points, options.rows_out));
  std::vector<ForecastRow> rows;
  for (size_t r = 0; r < future.size(); ++r) {
    const int h = future.row_horizon[r];
    const double below = Residual(metrics, h, options.lower_q), above = Residual(metrics, h, options.upper_q);
    // Demand is never negative, whatever a linear model extrapolates.
    const double point = std::max(0.0, points[r]);
    rows.push_back({origin, future.target_day[r], h, "product", future.series_id[r], point,
                    std::max(0.0, point + below), std::max(point, point + above)});
  }
  report.product_rows = static_cast<int64_t>(rows.size());
  if (rows.empty()) return Status::InvalidArgument("predict: no series of '" + source + "' is observed on " + report.as_of);
  MEDALLION_ASSIGN_OR_RETURN(auto mix, ReadProductMix(options.lake_uri, panel.DateOf(origin)));
  for (auto& r : RollUp(rows, mix)) {
    (r.level == "category" ? report.category_rows : report.city_rows) += 1;
    rows.push_back(std::move(r));
  }
  MEDALLION_ASSIGN_OR_RETURN(auto arrow_rows, ToArrow(rows, version, panel));
  MEDALLION_ASSIGN_OR_RETURN(report.table_version,
                             WriteLakeTable(options.lake_uri, options.output_table, arrow_rows, {"as_of_date"}));
  return report;
}

}  // namespace medallion::ml
