// Pipeline figures for /metrics, refreshed at each scrape from the lake: rows
// and versions (one version per commit) of every table, quarantined rows,
// and what the running jobs report in _runs/ (ingest rate, consumer lag,
// stream throughput, end-to-end freshness histogram).
#pragma once

#include <memory>
#include <string>

#include "medallion/common/status.h"
#include "medallion/serve/lake_reader.h"
#include "medallion/serve/metrics.h"

namespace medallion::serve {

class LakeMetrics {
 public:
  LakeMetrics(std::shared_ptr<LakeReader> lake, MetricsRegistry& registry);

  // Updates the gauges and returns the freshness histogram's text (the stream
  // job already aggregated it into cumulative buckets, so it is rendered as
  // given rather than re-observed), to append to MetricsRegistry::Render().
  // Errors reading the lake leave the previous values.
  std::string Collect();

 private:
  std::shared_ptr<LakeReader> lake_;
  Family<Gauge>& table_rows_;
  Family<Gauge>& table_version_;
  Family<Gauge>& quarantined_;
  Family<Gauge>& ingest_rate_;
  Family<Gauge>& consumer_lag_;
  Gauge& throughput_;
  Family<Gauge>& freshness_quantile_;
};

}  // namespace medallion::serve
