#pragma once
// Recovery codes for the second factor: what a user types at the TOTP step
// of sign-in when the authenticator is lost. Ten per enrolment, each 80
// random bits written as 16 base32 characters in groups of four
// ("ABCD-EFGH-IJKL-MNOP"), each good once. Only a SHA-256 of each is stored:
// 80 random bits need no slow KDF (nobody can try 2^80 hashes), unlike a
// password a person chose. Pure functions; the store is
// store/RecoveryCodeStore.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace medbox::console::recovery {

inline constexpr int kCodesPerEnrolment = 10;
inline constexpr size_t kCodeBytes = 10;  // 80 bits, 16 base32 characters

// New codes, formatted for showing, from `random` (n bytes each call).
std::vector<std::string> generate(const std::function<std::string(size_t)>& random);
// The code as typed (any case, spaces or dashes) in its canonical form, or
// nullopt when it cannot be a recovery code.
std::optional<std::string> normalize(std::string_view typed);
// The stored form of a normalised code: hex SHA-256.
std::string hash(std::string_view normalized);
// The stored forms of codes as generate() wrote them, in the same order.
std::vector<std::string> hashAll(const std::vector<std::string>& codes);

}  // namespace medbox::console::recovery
