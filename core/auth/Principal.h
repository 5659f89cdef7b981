#pragma once
// Who is calling: a staff member (token from the console) or a peer service
// (token signed by that service's own key).
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace medbox {

// The only role of a staff token whose user must change the password first
// (the console issues it; every service answers 403 with that reason).
inline constexpr std::string_view kMustChangePasswordRole = "must_change_password";

struct Principal {
    enum class Kind { Staff, Service };
    Kind kind = Kind::Staff;
    std::string subject;  // staff user name, or service name ("portal")
    std::vector<std::string> roles;
    int64_t expiresMs = 0;   // token expiry (0: unknown); bounds the verified-token cache
    int64_t issuedAtMs = 0;  // iat (whole seconds, in ms): subject revocations cut by it
    std::string tokenId{};   // jti: what a logout revokes
    int64_t authTimeMs = 0;  // auth_time: when the user signed in (staff; 0: unknown); bounds the session's age
    bool hasRole(std::string_view r) const { return std::find(roles.begin(), roles.end(), r) != roles.end(); }
};

}  // namespace medbox
