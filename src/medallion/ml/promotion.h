// The promotion gate: a challenger replaces the champion only if its backtest
// WAPE is lower than both the champion's and seasonal naive's by a margin, so
// noise between two equally good models never flips the champion back and
// forth. Pure functions over the metrics JSON the backtest writes.
#pragma once

#include <optional>
#include <string>

#include "medallion/ml/registry.h"

namespace medallion::ml {

// metrics["overall"]["wape"] (or a top-level "wape"); nullopt if absent.
std::optional<double> OverallWape(const std::string& metrics_json);
// metrics["seasonal_naive"]["overall"]["wape"] (or ["seasonal_naive"]["wape"]).
std::optional<double> SeasonalNaiveWape(const std::string& metrics_json);

struct GateVerdict {
  bool passed = false;
  std::string reason;  // names both WAPEs either way
};

// `champion` is nullopt when the model has none yet: then only seasonal
// naive has to be beaten.
GateVerdict EvaluateGate(const ModelVersion& candidate, const std::optional<ModelVersion>& champion,
                         const PromotionGate& gate);

}  // namespace medallion::ml
