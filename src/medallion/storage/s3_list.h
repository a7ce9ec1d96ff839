// ListObjectsV2: the request query and the response parser. Used instead of
// Arrow's listing because only ListObjectsV2 itself can start after a key,
// which lets a reader tail a Delta log without re-listing every commit.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "medallion/common/result.h"

namespace medallion::storage {

struct S3ListedObject {
  std::string key;  // full key in the bucket, decoded
  int64_t size = 0;
  int64_t mtime_ms = 0;
};

struct S3ListPage {
  std::vector<S3ListedObject> objects;
  bool truncated = false;
  std::string next_continuation_token;
};

// The query string of one ListObjectsV2 request, parameters in canonical
// (sorted) order so the SigV4 canonical request is the query as sent. Empty
// arguments are left out; keys come back URL-encoded (encoding-type=url) so
// any byte in a key survives the XML.
std::string ListObjectsV2Query(std::string_view prefix, std::string_view delimiter, std::string_view start_after,
                               std::string_view continuation_token, int max_keys);

// Parses a ListBucketResult body; Corruption if it is not one.
Result<S3ListPage> ParseListObjectsV2(const std::string& xml);

// Undoes encoding-type=url: "%3D" -> '=', '+' -> ' '.
std::string DecodeS3UrlEncoding(std::string_view text);

// "2026-11-23T15:03:53.457Z" -> milliseconds since the epoch.
Result<int64_t> ParseS3Timestamp(std::string_view text);

}  // namespace medallion::storage
