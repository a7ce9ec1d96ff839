#include "medallion/ml/promotion.h"

#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>

namespace medallion::ml {

namespace {

using nlohmann::json;

std::optional<double> NumberAt(const json& doc, std::initializer_list<const char*> path) {
  const json* node = &doc;
  for (const char* key : path) {
    if (!node->is_object() || !node->contains(key)) return std::nullopt;
    node = &(*node)[key];
  }
  if (!node->is_number()) return std::nullopt;
  double value = node->get<double>();
  return std::isfinite(value) ? std::optional<double>(value) : std::nullopt;
}

json ParseMetrics(const std::string& metrics_json) {
  return json::parse(metrics_json, nullptr, /*allow_exceptions=*/false);
}

}  // namespace

std::optional<double> OverallWape(const std::string& metrics_json) {
  json doc = ParseMetrics(metrics_json);
  if (auto v = NumberAt(doc, {"overall", "wape"})) return v;
  return NumberAt(doc, {"wape"});
}

std::optional<double> SeasonalNaiveWape(const std::string& metrics_json) {
  json doc = ParseMetrics(metrics_json);
  if (auto v = NumberAt(doc, {"seasonal_naive", "overall", "wape"})) return v;
  return NumberAt(doc, {"seasonal_naive", "wape"});
}

GateVerdict EvaluateGate(const ModelVersion& candidate, const std::optional<ModelVersion>& champion,
                         const PromotionGate& gate) {
  const std::string who = fmt::format("{} version {}", candidate.name, candidate.version);
  const double factor = 1.0 - gate.margin;
  const std::string margin = fmt::format("{:g}%", gate.margin * 100);
  auto wape = OverallWape(candidate.metrics_json);
  if (!wape) return {false, fmt::format("{} has no backtest WAPE (metrics.overall.wape)", who)};
  auto naive = SeasonalNaiveWape(candidate.metrics_json);
  if (!naive) {
    return {false, fmt::format("{} (WAPE {:.4f}) has no seasonal naive WAPE to compare with "
                               "(metrics.seasonal_naive.overall.wape)",
                               who, *wape)};
  }
  if (*wape > factor * *naive) {
    return {false, fmt::format("{} WAPE {:.4f} does not beat seasonal naive WAPE {:.4f} by the {} margin "
                               "(needs <= {:.4f})",
                               who, *wape, *naive, margin, factor * *naive)};
  }
  if (!champion) {
    return {true, fmt::format("{} WAPE {:.4f} beats seasonal naive WAPE {:.4f} by the {} margin; no champion yet",
                              who, *wape, *naive, margin)};
  }
  auto champion_wape = OverallWape(champion->metrics_json);
  if (!champion_wape) {
    return {false, fmt::format("champion version {} has no backtest WAPE to compare {} (WAPE {:.4f}) with; "
                               "use --force to replace it",
                               champion->version, who, *wape)};
  }
  if (*wape > factor * *champion_wape) {
    return {false, fmt::format("{} WAPE {:.4f} does not beat champion version {} WAPE {:.4f} by the {} margin "
                               "(needs <= {:.4f})",
                               who, *wape, champion->version, *champion_wape, margin, factor * *champion_wape)};
  }
  return {true, fmt::format("{} WAPE {:.4f} beats champion version {} WAPE {:.4f} and seasonal naive WAPE {:.4f} "
                            "by the {} margin",
                            who, *wape, champion->version, *champion_wape, *naive, margin)};
}

}  // namespace medallion::ml
