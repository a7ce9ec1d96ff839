// GET /docs: one self-contained HTML page that fetches /openapi.json and
// renders it. No CDN and no network beyond this server, so it works offline
// and behind a strict Content-Security-Policy.
#pragma once

#include <string_view>

namespace medallion::serve {

std::string_view DocsPageHtml();

// The CSP sent with the page: only this origin, inline script and style.
inline constexpr const char* kDocsContentSecurityPolicy =
    "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'";

}  // namespace medallion::serve
