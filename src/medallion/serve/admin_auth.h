// The bearer token that guards admin routes (promote, rollback...). The token
// comes from config or MEDALLION_ADMIN_TOKEN and is never logged or echoed.
#pragma once

#include <string>
#include <string_view>

namespace medallion::serve {

enum class AuthOutcome { kAllowed, kMissing, kDenied };

class AdminAuth {
 public:
  // An empty token disables admin routes: every request is denied.
  explicit AdminAuth(std::string token = "") : token_(std::move(token)) {}

  // The token from MEDALLION_ADMIN_TOKEN, if set.
  static AdminAuth FromEnvironment();

  bool enabled() const { return !token_.empty(); }

  // Checks an Authorization header value. No header (or not a Bearer one)
  // is kMissing (401); a wrong token is kDenied (403).
  AuthOutcome Check(std::string_view authorization_header) const;

 private:
  std::string token_;
};

// Compares in time that depends only on the lengths, so a client cannot find
// the token byte by byte from response times.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace medallion::serve
