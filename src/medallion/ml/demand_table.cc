#include "medallion/ml/demand_table.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>

#include <cctype>

#include "medallion/common/arrow_status.h"
#include "medallion/delta/scan.h"
#include "medallion/delta/table.h"
#include "medallion/transform/gold_job.h"

namespace medallion::ml {

namespace {

constexpr char kPrefix[] = "medallion.";

std::string Join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ",") + n;
  return out;
}

std::vector<std::string> Split(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    if (comma > start) out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

Result<int> PositiveInt(const std::map<std::string, std::string>& properties, const std::string& key, int fallback) {
  auto it = properties.find(kPrefix + key);
  if (it == properties.end()) return fallback;
  try {
    size_t used = 0;
    const int value = std::stoi(it->second, &used);
    if (used == it->second.size() && value >= 1) return value;
  } catch (const std::exception&) {
  }
  return Status::InvalidArgument("table property " + std::string(kPrefix) + key + " must be a positive integer, got '" +
                                 it->second + "'");
}

}  // namespace

DemandTableSpec GoldFeaturesSpec() {
  DemandTableSpec spec;
  spec.panel.series_column = "product_id";
  spec.panel.date_column = "event_date";
  spec.panel.target_column = "units";
  spec.panel.observed_columns = {"avg_price", "promo_share"};
  spec.features.horizon_feature = true;
  return spec;
}

std::map<std::string, std::string> DemandTableProperties(const PanelSpec& panel, int season) {
  std::map<std::string, std::string> out = {
      {"medallion.series_column", panel.series_column},
      {"medallion.date_column", panel.date_column},
      {"medallion.target_column", panel.target_column},
      {"medallion.period_days", std::to_string(panel.period_days)},
      {"medallion.season", std::to_string(season)},
  };
  if (!panel.known_columns.empty()) out["medallion.known_columns"] = Join(panel.known_columns);
  if (!panel.observed_columns.empty()) out["medallion.observed_columns"] = Join(panel.observed_columns);
  return out;
}

Result<DemandTableSpec> DemandTableSpecFrom(const std::map<std::string, std::string>& properties) {
  auto get = [&](const std::string& key) -> const std::string* {
    auto it = properties.find(kPrefix + key);
    return it == properties.end() ? nullptr : &it->second;
  };
  if (get("target_column") == nullptr) return GoldFeaturesSpec();
  DemandTableSpec spec;
  spec.features.horizon_feature = true;
  spec.panel.target_column = *get("target_column");
  if (auto* v = get("series_column")) spec.panel.series_column = *v;
  if (auto* v = get("date_column")) spec.panel.date_column = *v;
  if (auto* v = get("known_columns")) spec.panel.known_columns = Split(*v);
  if (auto* v = get("observed_columns")) spec.panel.observed_columns = Split(*v);
  MEDALLION_ASSIGN_OR_RETURN(spec.panel.period_days, PositiveInt(properties, "period_days", 1));
  if (spec.panel.period_days == 7) {
    // Weekly retail: the season that matters is the year; weekdays do not exist.
    spec.features.season = 52;
    spec.features.recent_lags = 4;
    spec.features.seasonal_lags = 2;
    spec.features.rolling_windows = {4, 13};
    spec.features.calendar = false;
    spec.features.min_history = 13;
  }
  MEDALLION_ASSIGN_OR_RETURN(spec.features.season, PositiveInt(properties, "season", spec.features.season));
  return spec;
}

Result<DemandTable> ReadDemandTable(const std::string& lake_uri, const std::string& relative, const std::string& as_of) {
  const std::string uri = lake_uri + "/" + relative;
  auto opened = delta::Table::Open(uri);
  if (!opened.ok()) return opened.status().WithContext("demand table '" + uri + "'");
  auto table = *opened;
  auto snapshot = table->snapshot();
  DemandTable out;
  out.version = snapshot->version();
  MEDALLION_ASSIGN_OR_RETURN(out.spec, DemandTableSpecFrom(snapshot->metadata().configuration));
  MEDALLION_ASSIGN_OR_RETURN(out.rows, delta::ScanToTable(table->store(), *snapshot, delta::ScanOptions{}));
  if (!as_of.empty()) {
    MEDALLION_ASSIGN_OR_RETURN(int32_t last, transform::ParseIsoDate(as_of));
    auto dates = out.rows->GetColumnByName(out.spec.panel.date_column);
    if (!dates) return Status::InvalidArgument("'" + uri + "' has no date column '" + out.spec.panel.date_column + "'");
    MEDALLION_ASSIGN_OR_RETURN_ARROW(auto as_dates, arrow::compute::Cast(dates, arrow::date32()));
    MEDALLION_ASSIGN_OR_RETURN_ARROW(
        auto keep, arrow::compute::CallFunction("less_equal", {as_dates, arrow::Datum(std::make_shared<arrow::Date32Scalar>(last))}));
    MEDALLION_ASSIGN_OR_RETURN_ARROW(auto filtered, arrow::compute::Filter(out.rows, keep));
    out.rows = filtered.table();
  }
  if (out.rows->num_rows() == 0) {
    return Status::InvalidArgument("demand table '" + uri + "' has no rows" + (as_of.empty() ? "" : " up to " + as_of));
  }
  return out;
}

std::string ProductKey(std::string_view id) {
  size_t digits = 0;
  while (digits < id.size() && std::isalpha(static_cast<unsigned char>(id[digits]))) ++digits;
  std::string_view number = id.substr(digits);
  if (number.empty() || number.find_first_not_of("0123456789") != std::string_view::npos) return std::string(id);
  const size_t nonzero = number.find_first_not_of('0');
  return nonzero == std::string_view::npos ? "0" : std::string(number.substr(nonzero));
}

}  // namespace medallion::ml
