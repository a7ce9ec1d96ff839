#include "medallion/serve/admin_auth.h"

#include <cstdlib>
#include <strings.h>

namespace medallion::serve {

AdminAuth AdminAuth::FromEnvironment() {
  const char* token = std::getenv("MEDALLION_ADMIN_TOKEN");
  return AdminAuth(token == nullptr ? "" : token);
}

AuthOutcome AdminAuth::Check(std::string_view header) const {
  constexpr std::string_view kScheme = "bearer ";
  if (header.size() < kScheme.size() || strncasecmp(header.data(), kScheme.data(), kScheme.size()) != 0) {
    return AuthOutcome::kMissing;
  }
  std::string_view presented = header.substr(kScheme.size());
  while (!presented.empty() && presented.front() == ' ') presented.remove_prefix(1);
  while (!presented.empty() && presented.back() == ' ') presented.remove_suffix(1);
  if (presented.empty()) return AuthOutcome::kMissing;
  if (!enabled()) return AuthOutcome::kDenied;
  return ConstantTimeEquals(presented, token_) ? AuthOutcome::kAllowed : AuthOutcome::kDenied;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  size_t longest = a.size() > b.size() ? a.size() : b.size();
  volatile unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < longest; ++i) {
    unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff = diff | (x ^ y);
  }
  return diff == 0;
}

}  // namespace medallion::serve
