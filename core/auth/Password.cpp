#include "core/auth/Password.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <charconv>
#include <optional>
#include <stdexcept>
#include <vector>

namespace medbox::password {

namespace {

constexpr size_t kSaltBytes = 16;
constexpr size_t kHashBytes = 32;
constexpr uint64_t kMaxMem = 64ull * 1024 * 1024;  // bounds memory per hash whatever a stored value says

std::string base64(const unsigned char* p, size_t n) {
    std::string out(4 * ((n + 2) / 3), '\0');
    int len = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), p, static_cast<int>(n));
    out.resize(static_cast<size_t>(len));
    return out;
}

std::optional<std::string> unbase64(std::string_view s) {
    if (s.empty() || s.size() % 4 != 0 || s.size() > 1024) return std::nullopt;
    for (size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/' ||
                  (c == '=' && i >= s.size() - 2 && (i == s.size() - 1 || s.back() == '='));
        if (!ok) return std::nullopt;
    }
    std::string out(s.size() / 4 * 3, '\0');
    int len = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                              reinterpret_cast<const unsigned char*>(s.data()), static_cast<int>(s.size()));
    if (len < 0) return std::nullopt;
    // EVP_DecodeBlock counts the zero bytes that padding stands for.
    size_t pad = (s.back() == '=') + (s.size() > 1 && s[s.size() - 2] == '=');
    out.resize(static_cast<size_t>(len) - pad);
    return out;
}

bool validParams(const Params& p) {
    return p.n > 1 && p.n <= (1ull << 24) && (p.n & (p.n - 1)) == 0 && p.r >= 1 && p.p >= 1 && p.r <= 64 && p.p <= 16 &&
           128 * p.r * p.n <= kMaxMem;
}

bool derive(const std::string& password, const std::string& salt, const Params& p, unsigned char* out, size_t outLen) {
    return EVP_PBE_scrypt(password.data(), password.size(), reinterpret_cast<const unsigned char*>(salt.data()),
                          salt.size(), p.n, p.r, p.p, kMaxMem, out, outLen) == 1;
}

struct Stored {
    Params params;
    std::string salt;
    std::string hash;
};

std::optional<uint64_t> parseNumber(std::string_view s) {
    uint64_t v = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
    return v;
}

// "scrypt$N$r$p$<salt>$<hash>"; nullopt for anything else.
std::optional<Stored> parse(std::string_view stored) {
    std::vector<std::string_view> parts;
    size_t start = 0;
    while (parts.size() < 7) {
        size_t pos = stored.find('$', start);
        parts.push_back(stored.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
        if (pos == std::string_view::npos) break;
        start = pos + 1;
    }
    if (parts.size() != 6 || parts[0] != "scrypt") return std::nullopt;
    auto n = parseNumber(parts[1]), r = parseNumber(parts[2]), p = parseNumber(parts[3]);
    if (!n || !r || !p) return std::nullopt;
    Stored s{Params{*n, *r, *p}, {}, {}};
    if (!validParams(s.params)) return std::nullopt;
    auto salt = unbase64(parts[4]);
    auto hash = unbase64(parts[5]);
    if (!salt || !hash || salt->size() < 8 || hash->size() != kHashBytes) return std::nullopt;
    s.salt = std::move(*salt);
    s.hash = std::move(*hash);
    return s;
}

}  // namespace

std::string hash(const std::string& password, Params params) {
    if (!validParams(params)) throw std::invalid_argument("scrypt parameters out of range");
    unsigned char salt[kSaltBytes];
    if (RAND_bytes(salt, sizeof salt) != 1) throw std::runtime_error("OpenSSL RAND_bytes failed: no entropy available");
    unsigned char out[kHashBytes];
    if (!derive(password, std::string(reinterpret_cast<char*>(salt), sizeof salt), params, out, sizeof out)) {
        throw std::runtime_error("scrypt key derivation failed");
    }
    return "scrypt$" + std::to_string(params.n) + "$" + std::to_string(params.r) + "$" + std::to_string(params.p) +
           "$" + base64(salt, sizeof salt) + "$" + base64(out, sizeof out);
}

bool verify(const std::string& password, const std::string& stored) {
    auto s = parse(stored);
    if (!s) return false;
    unsigned char out[kHashBytes];
    if (!derive(password, s->salt, s->params, out, sizeof out)) return false;
    return CRYPTO_memcmp(out, s->hash.data(), kHashBytes) == 0;
}

bool needsRehash(const std::string& stored, Params current) {
    auto s = parse(stored);
    if (!s) return true;
    return s->params.n < current.n || s->params.r < current.r || s->params.p < current.p;
}

size_t charCount(const std::string& password) {
    size_t chars = 0;
    for (unsigned char c : password) {
        if ((c & 0xC0) != 0x80) ++chars;
    }
    return chars;
}

int charClasses(const std::string& password) {
    bool lower = false, upper = false, digit = false, other = false;
    for (unsigned char c : password) {
        if (c >= 'a' && c <= 'z')
            lower = true;
        else if (c >= 'A' && c <= 'Z')
            upper = true;
        else if (c >= '0' && c <= '9')
            digit = true;
        else
            other = true;
    }
    return lower + upper + digit + other;
}

std::string checkPolicy(const std::string& password) {
    if (charCount(password) < 10) return "must be at least 10 characters long";
    if (password.find_first_not_of(password[0]) == std::string::npos) return "must not repeat a single character";
    if (charClasses(password) < 3) {
        return "must mix at least 3 of: lower-case letters, upper-case letters, digits, other characters";
    }
    return {};
}

}  // namespace medbox::password
