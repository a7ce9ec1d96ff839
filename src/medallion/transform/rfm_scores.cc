#include "medallion/transform/rfm_scores.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <numeric>
#include <vector>

#include "medallion/transform/gold_aggregate.h"
#include "medallion/transform/gold_columns.h"

namespace medallion::transform {

namespace cp = arrow::compute;

int Ntile(int buckets, int64_t position, int64_t count) {
  int64_t size = count / buckets;
  int64_t larger = count % buckets;  // buckets holding size + 1 rows
  int64_t in_larger = larger * (size + 1);
  if (position < in_larger) return static_cast<int>(position / (size + 1)) + 1;
  return static_cast<int>((position - in_larger) / size + larger) + 1;
}

std::string RfmSegment(int r, int f) {
  if (r >= 4 && f >= 4) return "champions";
  if (r >= 3 && f >= 3) return "loyal";
  if (r >= 4 && f <= 2) return "new";
  if (r <= 2 && f >= 3) return "at_risk";
  if (r <= 2 && f <= 2) return "hibernating";
  return "needs_attention";
}

namespace {

// Scores of rows ordered by `less` (worst first, so the best get bucket 5).
std::vector<int32_t> QuintileScores(size_t n, const std::function<bool(size_t, size_t)>& less) {
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), less);
  std::vector<int32_t> scores(n);
  for (size_t pos = 0; pos < n; ++pos) scores[order[pos]] = Ntile(5, static_cast<int64_t>(pos), static_cast<int64_t>(n));
  return scores;
}

}  // namespace

Result<std::shared_ptr<arrow::Table>> CustomerRfm(const std::shared_ptr<arrow::Table>& silver, int32_t as_of) {
  GroupSpec spec;
  spec.filter = cp::and_(cp::less_equal(Col("event_date"), DateLiteral(as_of)),
                         EventTypeIs("order_created"));
  spec.projections = {{"customer_id", CastTo(Col("customer_id"), arrow::int64())},
                      {"event_date", Col("event_date")},
                      {"one", CountIf(cp::literal(true))},
                      {"amount", CastTo(Col("total_amount_usd"), arrow::float64())}};
  spec.keys = {"customer_id"};
  spec.aggregations = {{"hash_max", "event_date", "last_order_date"},
                       {"hash_sum", "one", "frequency"},
                       {"hash_sum", "amount", "monetary"}};
  MEDALLION_ASSIGN_OR_RETURN(auto customers, GroupAggregate(silver, spec));
  MEDALLION_ASSIGN_OR_RETURN(auto ids, ReadInt64(*customers, "customer_id"));
  MEDALLION_ASSIGN_OR_RETURN(auto last, ReadDate32(*customers, "last_order_date"));
  MEDALLION_ASSIGN_OR_RETURN(auto frequency, ReadInt64(*customers, "frequency"));
  MEDALLION_ASSIGN_OR_RETURN(auto monetary, ReadDouble(*customers, "monetary"));
  const size_t n = ids.size();
  std::vector<int32_t> recency(n);
  for (size_t i = 0; i < n; ++i) recency[i] = as_of - last[i];

  auto r = QuintileScores(n, [&](size_t a, size_t b) {
    return recency[a] != recency[b] ? recency[a] > recency[b] : ids[a] < ids[b];
  });
  auto f = QuintileScores(n, [&](size_t a, size_t b) {
    return frequency[a] != frequency[b] ? frequency[a] < frequency[b] : ids[a] < ids[b];
  });
  auto m = QuintileScores(n, [&](size_t a, size_t b) {
    return monetary[a] != monetary[b] ? monetary[a] < monetary[b] : ids[a] < ids[b];
  });
  std::vector<std::string> code, segment;
  std::vector<bool> vip;
  for (size_t i = 0; i < n; ++i) {
    code.push_back(fmt::format("{}{}{}", r[i], f[i], m[i]));
    segment.push_back(RfmSegment(r[i], f[i]));
    vip.push_back(m[i] == 5 && f[i] >= 4);
  }
  auto schema = arrow::schema(
      {arrow::field("as_of_date", arrow::date32()), arrow::field("customer_id", arrow::int64()),
       arrow::field("last_order_date", arrow::date32()), arrow::field("recency_days", arrow::int32()),
       arrow::field("frequency", arrow::int64()), arrow::field("monetary", arrow::float64()),
       arrow::field("r_score", arrow::int32()), arrow::field("f_score", arrow::int32()),
       arrow::field("m_score", arrow::int32()), arrow::field("rfm_score", arrow::utf8()),
       arrow::field("segment", arrow::utf8()), arrow::field("vip", arrow::boolean())});
  return arrow::Table::Make(schema, {Date32Array(std::vector<int32_t>(n, as_of)), Int64Array(ids), Date32Array(last),
                                     Int32Array(recency), Int64Array(frequency), DoubleArray(monetary), Int32Array(r),
                                     Int32Array(f), Int32Array(m), StringArray(code), StringArray(segment),
                                     BoolArray(vip)});
}

}  // namespace medallion::transform
