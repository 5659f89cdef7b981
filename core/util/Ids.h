#pragma once
// Identifiers: patient document numbers and random ids.
#include <cstddef>
#include <string>
#include <string_view>

namespace medbox::ids {

// An 18-character mainland resident ID number: 17 digits + check character
// (digit or 'X'), with the GB 11643-1999 ISO 7064 MOD 11-2 checksum and a
// plausible birth date. Returns an empty string when valid, else the reason.
std::string checkResidentId(std::string_view id);

// n bytes from OpenSSL's CSPRNG (RAND_bytes); throws std::runtime_error
// when the system random source is unavailable. For secrets (keys, TOTP
// seeds, passwords): never pooled.
std::string randomBytes(size_t n);
// 128 random bits as 32 lowercase hex digits (OpenSSL RAND_bytes).
std::string random128();
// RFC 9562 version 7 UUID text: the Unix time in milliseconds, then 74
// random bits. Ids made later sort later, so an index on them grows at its
// end instead of touching a random page per insert (the outbox's message
// ids: one page a group commit instead of one per message).
std::string uuid7();

}  // namespace medbox::ids
