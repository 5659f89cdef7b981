#pragma once
// Rules for account fields, as pure functions so handlers, the bootstrap and
// tests apply the same ones. Each check returns an empty string when the value
// is acceptable, else the reason (worded for an API error message).
#include <string>
#include <string_view>
#include <vector>

namespace medbox::console::rules {

// [a-z][a-z0-9._-]{2,31}: ASCII only, so names are unambiguous in logs,
// audit rows and URLs, and cannot be spoofed with look-alike characters.
bool isValidUsername(std::string_view name);
// ASCII lower-casing for the login form ("Admin" finds "admin"); other bytes unchanged.
std::string asciiLower(std::string_view s);

// Valid UTF-8 without control characters, at most maxChars characters (code
// points), empty only when mayBeEmpty.
std::string checkText(std::string_view text, size_t maxChars, bool mayBeEmpty);
// 1..64 characters of valid UTF-8 without control characters.
std::string checkDisplayName(std::string_view name);
// At least one role, each in the catalogue; duplicates are not an error.
std::string checkRoles(const std::vector<std::string>& roles);
// The core staff policy plus what only the console knows: not containing the
// user name.
std::string checkNewPassword(const std::string& password, const std::string& username);

// Roles as stored and shown: sorted, each once.
std::vector<std::string> sortedRoles(std::vector<std::string> roles);

// Throws AppError(InvalidField) naming `field` when a check above gave a reason.
void require(const std::string& why, const std::string& field);

}  // namespace medbox::console::rules
