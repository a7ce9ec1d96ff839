// Reading a demand table of the lake as a panel: which columns are the series,
// date, target and exogenous inputs, and the features built from them.
//
// gold/features_daily (built by `medallion gold`) needs no description: its
// layout is the default. Any other table, such as a CSV loaded with
// `medallion load csv`, carries its column mapping in its Delta table
// properties (medallion.series_column, medallion.date_column,
// medallion.target_column, medallion.known_columns, medallion.observed_columns,
// medallion.period_days, medallion.season), so train and predict read it the
// same way without a flag.
#pragma once

#include <arrow/type_fwd.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "medallion/common/result.h"
#include "medallion/ml/features.h"
#include "medallion/ml/panel.h"

namespace medallion::ml {

struct DemandTableSpec {
  PanelSpec panel;
  FeatureSpec features;

  FeatureBuilder Builder() const { return FeatureBuilder(features, panel.known_columns, panel.observed_columns); }
};

// gold/features_daily: product_id, event_date, units; avg_price and
// promo_share are observed (known once the day's orders are in).
DemandTableSpec GoldFeaturesSpec();

// The table properties that describe `spec` (what `load csv` writes).
std::map<std::string, std::string> DemandTableProperties(const PanelSpec& panel, int season);

// The spec a table's properties describe; GoldFeaturesSpec() when it has none.
// Weekly data (period_days 7) gets yearly seasonality (52) and no weekday features.
Result<DemandTableSpec> DemandTableSpecFrom(const std::map<std::string, std::string>& properties);

struct DemandTable {
  DemandTableSpec spec;
  std::shared_ptr<arrow::Table> rows;  // rows with date <= as_of
  int64_t version = -1;                // Delta version read
};

// Reads <lake>/<relative> (every row dated <= as_of when as_of is set).
Result<DemandTable> ReadDemandTable(const std::string& lake_uri, const std::string& relative,
                                    const std::string& as_of);

// The key that joins a series of a demand table with other tables about the
// same products: Gold stores product ids as integers while Silver and the
// generator's truth spell them "P00042". Digits after an optional letter
// prefix become the number without leading zeros ("P00042" and "42" -> "42");
// anything else is kept as is.
std::string ProductKey(std::string_view id);

}  // namespace medallion::ml
