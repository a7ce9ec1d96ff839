#include "medallion/transform/ticks_features.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>

#include "medallion/common/arrow_compute.h"
#include "medallion/common/arrow_status.h"
#include "medallion/transform/gold_columns.h"
#include "medallion/transform/ticks_indicators.h"

namespace medallion::transform {

namespace cp = arrow::compute;

Result<std::shared_ptr<arrow::Table>> TickFeatures(const std::shared_ptr<arrow::Table>& ticks) {
  MEDALLION_RETURN_IF_ERROR(EnsureArrowComputeReady());
  for (const char* column : {"symbol", "ts", "price", "volume"}) {
    if (!ticks->GetColumnByName(column)) {
      return Status::InvalidArgument(std::string("ticks table has no column '") + column + "'");
    }
  }
  cp::SortOptions sort({cp::SortKey("symbol"), cp::SortKey("ts")});
  MEDALLION_ASSIGN_OR_RETURN_ARROW(auto indices, cp::SortIndices(arrow::Datum(ticks), sort));
  MEDALLION_ASSIGN_OR_RETURN_ARROW(auto sorted_datum, cp::Take(ticks, indices));
  auto sorted = sorted_datum.table();
  MEDALLION_ASSIGN_OR_RETURN_ARROW(sorted, sorted->SelectColumns({sorted->schema()->GetFieldIndex("symbol"),
                                                                   sorted->schema()->GetFieldIndex("ts"),
                                                                   sorted->schema()->GetFieldIndex("price"),
                                                                   sorted->schema()->GetFieldIndex("volume")}));
  MEDALLION_ASSIGN_OR_RETURN(auto symbols, ReadString(*sorted, "symbol"));
  MEDALLION_ASSIGN_OR_RETURN(auto prices, ReadDouble(*sorted, "price"));

  const size_t n = symbols.size();
  Series returns(n), rsi(n), volatility(n);
  std::vector<std::optional<double>> macd(n), signal(n), hist(n);
  std::vector<std::optional<int64_t>> direction(n);
  for (size_t begin = 0; begin < n;) {
    size_t end = begin;
    while (end < n && symbols[end] == symbols[begin]) ++end;
    std::vector<double> p(prices.begin() + begin, prices.begin() + end);
    auto r = SimpleReturns(p);
    auto s = Rsi(p, 14);
    auto m = ComputeMacd(p, 12, 26, 9);
    auto v = RollingStd(r, kVolatilityWindow);
    auto d = NextDirection(p);
    for (size_t i = 0; i < p.size(); ++i) {
      returns[begin + i] = r[i];
      rsi[begin + i] = s[i];
      macd[begin + i] = m.line[i];
      signal[begin + i] = m.signal[i];
      hist[begin + i] = m.histogram[i];
      volatility[begin + i] = v[i];
      if (d[i]) direction[begin + i] = *d[i];
    }
    begin = end;
  }
  auto add = [&](std::shared_ptr<arrow::Table> t, const char* name,
                 const std::shared_ptr<arrow::Array>& values) -> Result<std::shared_ptr<arrow::Table>> {
    return FromArrow(t->AddColumn(t->num_columns(), arrow::field(name, values->type()),
                                  std::make_shared<arrow::ChunkedArray>(values)));
  };
  MEDALLION_ASSIGN_OR_RETURN(sorted, add(sorted, "return", OptionalDoubleArray(returns)));
  MEDALLION_ASSIGN_OR_RETURN(sorted, add(sorted, "rsi_14", OptionalDoubleArray(rsi)));
  MEDALLION_ASSIGN_OR_RETURN(sorted, add(sorted, "macd", OptionalDoubleArray(macd)));
  MEDALLION_ASSIGN_OR_RETURN(sorted, add(sorted, "macd_signal", OptionalDoubleArray(signal)));
  MEDALLION_ASSIGN_OR_RETURN(sorted, add(sorted, "macd_hist", OptionalDoubleArray(hist)));
  MEDALLION_ASSIGN_OR_RETURN(sorted, add(sorted, "volatility_20", OptionalDoubleArray(volatility)));
  return add(sorted, "next_direction", OptionalInt64Array(direction));
}

}  // namespace medallion::transform
