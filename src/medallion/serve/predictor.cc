#include "medallion/serve/predictor.h"

namespace medallion::serve {

Predictor::Predictor(std::vector<std::string> feature_names) : feature_names_(std::move(feature_names)) {
  for (size_t i = 0; i < feature_names_.size(); ++i) column_of_.emplace(feature_names_[i], i);
}

std::optional<size_t> Predictor::ColumnOf(std::string_view name) const {
  auto it = column_of_.find(name);
  if (it == column_of_.end()) return std::nullopt;
  return it->second;
}

}  // namespace medallion::serve
