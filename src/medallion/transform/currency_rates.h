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
// currency_has_usd_rate. The Silver job re-reads the table before each batch,
// so once someone adds the rate, new orders in that currency reach Silver
// without a restart; the quarantined ones stay in the quarantine table with
// their reason (send those events again: dedup does not count them).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "medallion/common/result.h"
#include "medallion/delta/table.h"

namespace medallion::transform {

class CurrencyRates {
 public:
  CurrencyRates() = default;
  CurrencyRates(std::map<std::string, double> units_per_usd, std::string source, int64_t version = -1)
      : units_per_usd_(std::move(units_per_usd)), source_(std::move(source)), version_(version) {}

  // The generator's currencies at the rates it prices with.
  static CurrencyRates Defaults();

  // Opens the table at `uri`, creating it with Defaults() first if absent.
  static Result<std::shared_ptr<delta::Table>> OpenOrSeed(const std::string& uri);
  // The rates of one version of that table. InvalidArgument naming the
  // currency for a rate that is not a positive finite number or a currency
  // listed twice.
  static Result<CurrencyRates> Read(delta::Table& table, const delta::Snapshot& snapshot);
  // OpenOrSeed, then Read of the newest version.
  static Result<CurrencyRates> LoadOrSeed(const std::string& uri);

  // Amount in US dollars, or nullopt if the currency has no rate.
  std::optional<double> ToUsd(const std::string& currency, double amount) const;

  const std::map<std::string, double>& units_per_usd() const { return units_per_usd_; }
  // Where the rates came from, lake-relative ("silver/currency_rates"): it
  // goes into quarantine reasons, which the HTTP API serves, so never a path
  // on the server.
  const std::string& source() const { return source_; }
  // The table version read; -1 for Defaults().
  int64_t version() const { return version_; }

 private:
  std::map<std::string, double> units_per_usd_;
  std::string source_ = "built-in defaults";
  int64_t version_ = -1;
};

}  // namespace medallion::transform
