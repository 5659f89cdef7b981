#pragma once
// Password hashing with scrypt (OpenSSL), a memory-hard slow KDF. The stored
// form names its parameters so they can be raised later without breaking old
// hashes: "scrypt$N$r$p$<salt b64>$<hash b64>".
#include <cstddef>
#include <cstdint>
#include <string>

namespace medbox::password {

struct Params {
    uint64_t n = 1 << 15;
    uint64_t r = 8;
    uint64_t p = 1;
};

std::string hash(const std::string& password, Params params = {});
// Constant-time comparison; false for a malformed stored value.
bool verify(const std::string& password, const std::string& stored);
// True when the stored hash uses weaker parameters than `current` (rehash on login).
bool needsRehash(const std::string& stored, Params current = {});
// Policy for staff passwords: empty when acceptable, else the reason.
std::string checkPolicy(const std::string& password);
// What the policies measure (the console's configurable rules too): UTF-8
// characters, not bytes, so a Chinese passphrase is measured fairly; and how
// many of lower-case letters, upper-case letters, digits and other characters
// (anything else, non-ASCII included) occur, 0 to 4.
size_t charCount(const std::string& password);
int charClasses(const std::string& password);

}  // namespace medbox::password
