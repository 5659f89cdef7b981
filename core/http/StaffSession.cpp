#include "core/http/StaffSession.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <stdexcept>

namespace medbox::staff_session {

namespace {

std::string base64url(const unsigned char* data, size_t n) {
    static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    size_t i = 0;
    for (; i + 2 < n; i += 3) {
        const unsigned v = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += alphabet[(v >> 6) & 63];
        out += alphabet[v & 63];
    }
    if (n - i == 1) {
        const unsigned v = data[i] << 16;
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
    } else if (n - i == 2) {
        const unsigned v = (data[i] << 16) | (data[i + 1] << 8);
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += alphabet[(v >> 6) & 63];
    }
    return out;
}

}  // namespace

std::string csrfToken(const Principal& p) {
    const std::string input = "medbox-csrf\n" + p.tokenId;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(input.data(), input.size(), md, &len, EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("SHA-256 failed");
    return base64url(md, len);
}

bool csrfMatches(const Principal& p, std::string_view header) {
    if (p.tokenId.empty()) return false;
    const std::string want = csrfToken(p);
    return header.size() == want.size() && CRYPTO_memcmp(header.data(), want.data(), want.size()) == 0;
}

std::optional<std::string> cookieIn(std::string_view h) {
    size_t i = 0;
    while (i < h.size()) {
        while (i < h.size() && (h[i] == ' ' || h[i] == ';')) ++i;
        size_t end = h.find(';', i);
        if (end == std::string_view::npos) end = h.size();
        std::string_view pair = h.substr(i, end - i);
        size_t eq = pair.find('=');
        if (eq != std::string_view::npos && pair.substr(0, eq) == kCookie) {
            std::string_view v = pair.substr(eq + 1);
            while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
            if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
            return std::string(v);
        }
        i = end + 1;
    }
    return std::nullopt;
}

// Built by append: GCC 12 warns wrongly (array-bounds) on operator+ chains here.
std::string setCookie(const std::string& token) {
    std::string out;
    out.reserve(kCookie.size() + token.size() + 64);
    out.append(kCookie).append("=").append(token).append("; Path=/; Secure; HttpOnly; SameSite=Strict");
    return out;
}

std::string clearCookie() {
    std::string out;
    out.append(kCookie).append("=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0");
    return out;
}

bool changesState(std::string_view m) { return m != "GET" && m != "HEAD" && m != "OPTIONS"; }

}  // namespace medbox::staff_session
