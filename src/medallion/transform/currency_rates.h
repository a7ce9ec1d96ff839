// Exchange rates to the reporting currency (US dollars), kept as a Delta
// table of reference data: <lake>/silver/currency_rates (currency string,
// units_per_usd double). Orders carry prices in their local currency; Silver
// adds total_amount_usd with these rates, so every Gold sum adds like with
// like (yen and rupees summed with dollars made Tokyo and Mumbai outsell
// everyone by two orders of magnitude).
//
// The table is a table, not a config entry, so Spark, delta-rs or DuckDB can
// update a rate and every process that runs the Silver job (medallion silver,
// stream, the DAG, the demo) reads the same values. A fresh lake gets the
// rates of the currencies the event generator prices in. A currency with no
// row is not guessed: its orders are quarantined under rule
// currency_has_usd_rate until someone adds the rate.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>

#include "medallion/common/result.h"

namespace medallion::transform {

class CurrencyRates {
 public:
  CurrencyRates() = default;
  CurrencyRates(std::map<std::string, double> units_per_usd, std::string source)
      : units_per_usd_(std::move(units_per_usd)), source_(std::move(source)) {}

  // The generator's currencies at the rates it prices with.
  static CurrencyRates Defaults();

  // Reads the table at `uri`, creating it with Defaults() first if absent.
  // InvalidArgument naming the currency for a rate that is not a positive
  // finite number or a currency listed twice.
  static Result<CurrencyRates> LoadOrSeed(const std::string& uri);

  // Amount in US dollars, or nullopt if the currency has no rate.
  std::optional<double> ToUsd(const std::string& currency, double amount) const;

  const std::map<std::string, double>& units_per_usd() const { return units_per_usd_; }
  const std::string& source() const { return source_; }

 private:
  std::map<std::string, double> units_per_usd_;
  std::string source_ = "built-in defaults";  // where the rates came from, for error messages
};

}  // namespace medallion::transform
