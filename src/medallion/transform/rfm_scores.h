// Customer RFM: recency, frequency and monetary value of each customer's
// orders up to an as-of date, scored into quintiles and named segments.
//
//   recency_days  as_of - date of the customer's last order_created event
//   frequency     number of order_created events
//   monetary      sum of total_amount_usd over those orders (gross, in US
//                 dollars, as in Gold)
//   scores        NTILE(5) in SQL's sense (the first N % 5 buckets get one
//                 extra customer), 5 = best:
//                   r_score over recency_days descending (most recent last),
//                   f_score over frequency ascending, m_score over monetary
//                   ascending; equal values are ordered by customer_id so
//                   the result does not depend on input order.
//   segment       first match of: champions (R>=4, F>=4), loyal (R>=3, F>=3),
//                 new (R>=4, F<=2), at_risk (R<=2, F>=3), hibernating
//                 (R<=2, F<=2), needs_attention (the rest).
//   vip           m_score = 5 and f_score >= 4.
#pragma once

#include <arrow/type_fwd.h>

#include <cstdint>
#include <memory>
#include <string>

#include "medallion/common/result.h"

namespace medallion::transform {

// 1-based NTILE bucket of the row at 0-based `position` among `count` rows.
int Ntile(int buckets, int64_t position, int64_t count);

std::string RfmSegment(int r_score, int f_score);

// as_of_date, customer_id, last_order_date, recency_days, frequency,
// monetary, r_score, f_score, m_score, rfm_score ("545"), segment, vip;
// one row per customer with an order on or before `as_of`, by customer_id.
Result<std::shared_ptr<arrow::Table>> CustomerRfm(const std::shared_ptr<arrow::Table>& silver, int32_t as_of);

}  // namespace medallion::transform
