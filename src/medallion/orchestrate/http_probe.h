// A plain HTTP GET for checks (the API smoke test, the demo's readiness
// wait): libcurl, no redirects, a short timeout, the body kept for the log.
#pragma once

#include <chrono>
#include <string>

#include "medallion/common/result.h"

namespace medallion::orchestrate {

struct HttpReply {
  long status = 0;
  std::string body;
};

// IOError naming the URL when no response came back (refused, timeout).
Result<HttpReply> HttpGet(const std::string& url, std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace medallion::orchestrate
