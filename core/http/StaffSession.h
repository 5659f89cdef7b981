#pragma once
// Staff sign-in in a browser (docs/web.md, "Sessions and CSRF"). The staff
// token the console issues travels in a cookie instead of an Authorization
// header: __Host-medbox-staff, Secure, HttpOnly, SameSite=Strict, Path=/.
// Cookies are not isolated by port (RFC 6265, 8.5), so the one cookie set
// by the console reaches every staff service on the same host name, and each
// verifies it as it verifies a bearer token (console's key, revocation list).
//
// CSRF: a request authenticated by the cookie that changes anything (any
// method but GET and HEAD) must carry X-CSRF-Token with the token's CSRF
// value, derived from its jti (a 128-bit secret inside the HttpOnly cookie).
// A page reads the value from its own service (GET /api/v1/session, which
// another origin cannot read without CORS) or from the console's sign-in
// answer. Bearer-token clients are unaffected: a header is never sent by a
// browser on its own.
#include "core/auth/Principal.h"
#include <optional>
#include <string>
#include <string_view>

namespace medbox::staff_session {

inline constexpr std::string_view kCookie = "__Host-medbox-staff";
inline constexpr std::string_view kCsrfHeader = "X-CSRF-Token";

// The CSRF value of a staff token: base64url(SHA-256("medbox-csrf\n" + jti)).
std::string csrfToken(const Principal& p);
// Constant-time comparison of the header against the principal's value.
bool csrfMatches(const Principal& p, std::string_view header);
// The staff cookie's value in a Cookie header, if present (the first one).
std::optional<std::string> cookieIn(std::string_view cookieHeader);
// Set-Cookie values: the token as a session cookie (gone when the browser
// closes; the token's own expiry bounds it further), and its removal.
std::string setCookie(const std::string& token);
std::string clearCookie();
// Whether a method changes state (needs the CSRF header with a cookie).
bool changesState(std::string_view method);

}  // namespace medbox::staff_session
