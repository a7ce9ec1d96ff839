// Silver orders rows by event date, kept in memory between stream triggers.
//
// Every trigger recomputes the fast Gold tables over whole event days, which
// used to mean re-reading (and re-decoding) every Silver file of those days:
// cost grew with the day's size, not with what arrived. The cache reads each
// Silver file once: a day is scanned when first asked for, and later
// commits only append the files they add. A commit that removes Silver
// files (compaction, a rewrite) or changes its metadata empties the cache,
// so the rows handed out are always exactly those of the snapshot.
#pragma once

#include <arrow/type_fwd.h>

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "medallion/common/result.h"
#include "medallion/delta/table.h"

namespace medallion::transform {

class SilverDayCache {
 public:
  // Silver rows of event dates [from, to] (days since the epoch) as of
  // `snapshot`, in WithNumericIds form, with only the columns the fast Gold
  // tables read. Days outside the range are dropped.
  Result<std::shared_ptr<arrow::Table>> Rows(delta::Table& silver, const delta::Snapshot& snapshot, int32_t from,
                                             int32_t to);

 private:
  Status CatchUp(delta::Table& silver, const delta::Snapshot& snapshot);

  int64_t version_ = -1;  // the Silver version the cached days reflect
  std::map<int32_t, std::vector<std::shared_ptr<arrow::Table>>> days_;
};

}  // namespace medallion::transform
