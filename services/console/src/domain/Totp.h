#pragma once
// Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP): HMAC-SHA-1,
// 30-second steps, 6 digits, accepting one step either side for clock drift —
// the parameters every authenticator app defaults to. Pure functions; the
// caller supplies the time and remembers the last step used (replay guard).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace medbox::console::totp {

inline constexpr int kStepSeconds = 30;
inline constexpr int kDigits = 6;
inline constexpr int kSecretBytes = 20;  // 160 bits, the SHA-1 block-friendly size RFC 4226 recommends

// RFC 4648 base32, upper case, without padding (what otpauth URIs carry).
std::string base32Encode(std::string_view bytes);
// Accepts upper or lower case, ignores spaces and '=' padding; nullopt on any
// other character.
std::optional<std::string> base32Decode(std::string_view text);

// RFC 4226 HOTP value for a counter, as a zero-padded decimal string.
std::string hotp(std::string_view key, uint64_t counter, int digits = kDigits);
// RFC 6238 TOTP at a Unix time.
std::string at(std::string_view key, int64_t unixSeconds, int digits = kDigits);

// The time step a code matches within ±window steps of now, later than
// lastUsedStep (a code is good once); nullopt otherwise, and for anything
// that is not exactly `digits` decimal digits.
std::optional<int64_t> verify(std::string_view key, std::string_view code, int64_t unixSeconds,
                              std::optional<int64_t> lastUsedStep, int window = 1);

// otpauth://totp/ISSUER:ACCOUNT?secret=...&issuer=...&algorithm=SHA1&digits=6&period=30
std::string otpauthUri(std::string_view issuer, std::string_view account, std::string_view base32Secret);

}  // namespace medbox::console::totp
