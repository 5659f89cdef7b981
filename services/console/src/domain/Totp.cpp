#include "domain/Totp.h"

#include <Poco/HMACEngine.h>
#include <Poco/SHA1Engine.h>
#include <Poco/URI.h>

namespace medbox::console::totp {

namespace {
constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

bool allDigits(std::string_view s) {
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return true;
}

// Compares without an early exit so that the time taken does not tell an
// attacker how many leading digits were right.
bool sameCode(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    unsigned diff = 0;
    for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned>(a[i] ^ b[i]);
    return diff == 0;
}

std::string encodeComponent(std::string_view s) {
    std::string out;
    Poco::URI::encode(std::string(s), ":/?#[]@!$&'()*+,;= %", out);
    return out;
}
}  // namespace

std::string base32Encode(std::string_view bytes) {
    std::string out;
    uint32_t buffer = 0;
    int bits = 0;
    for (unsigned char c : bytes) {
        buffer = (buffer << 8) | c;
        bits += 8;
        while (bits >= 5) {
            out += kAlphabet[(buffer >> (bits - 5)) & 31];
            bits -= 5;
        }
    }
    if (bits > 0) out += kAlphabet[(buffer << (5 - bits)) & 31];
    return out;
}

std::optional<std::string> base32Decode(std::string_view text) {
    std::string out;
    uint32_t buffer = 0;
    int bits = 0;
    for (char c : text) {
        if (c == ' ' || c == '=') continue;
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        const auto pos = kAlphabet.find(c);
        if (pos == std::string_view::npos) return std::nullopt;
        buffer = (buffer << 5) | static_cast<uint32_t>(pos);
        bits += 5;
        if (bits >= 8) {
            out += static_cast<char>((buffer >> (bits - 8)) & 0xff);
            bits -= 8;
        }
    }
    return out;
}

std::string hotp(std::string_view key, uint64_t counter, int digits) {
    Poco::HMACEngine<Poco::SHA1Engine> hmac(std::string{key});
    unsigned char msg[8];
    for (int i = 7; i >= 0; --i) {
        msg[i] = static_cast<unsigned char>(counter & 0xff);
        counter >>= 8;
    }
    hmac.update(msg, sizeof msg);
    const auto& mac = hmac.digest();
    // RFC 4226 §5.3 dynamic truncation.
    const int offset = mac[mac.size() - 1] & 0x0f;
    const uint32_t binary = (static_cast<uint32_t>(mac[offset] & 0x7f) << 24) |
                            (static_cast<uint32_t>(mac[offset + 1]) << 16) |
                            (static_cast<uint32_t>(mac[offset + 2]) << 8) | static_cast<uint32_t>(mac[offset + 3]);
    uint32_t mod = 1;
    for (int i = 0; i < digits; ++i) mod *= 10;
    std::string code = std::to_string(binary % mod);
    if (static_cast<int>(code.size()) < digits) code.insert(0, static_cast<size_t>(digits) - code.size(), '0');
    return code;
}

std::string at(std::string_view key, int64_t unixSeconds, int digits) {
    return hotp(key, static_cast<uint64_t>(unixSeconds / kStepSeconds), digits);
}

std::optional<int64_t> verify(std::string_view key, std::string_view code, int64_t unixSeconds,
                              std::optional<int64_t> lastUsedStep, int window) {
    if (code.size() != static_cast<size_t>(kDigits) || !allDigits(code) || unixSeconds < 0) return std::nullopt;
    const int64_t now = unixSeconds / kStepSeconds;
    std::optional<int64_t> match;
    // Try every step in the window (no early return) to keep the time flat.
    for (int64_t step = now - window; step <= now + window; ++step) {
        if (step < 0) continue;
        if (sameCode(hotp(key, static_cast<uint64_t>(step)), code) && !match) match = step;
    }
    if (match && lastUsedStep && *match <= *lastUsedStep) return std::nullopt;
    return match;
}

std::string otpauthUri(std::string_view issuer, std::string_view account, std::string_view base32Secret) {
    const std::string iss = encodeComponent(issuer);
    return "otpauth://totp/" + iss + ":" + encodeComponent(account) + "?secret=" + std::string(base32Secret) +
           "&issuer=" + iss + "&algorithm=SHA1&digits=" + std::to_string(kDigits) +
           "&period=" + std::to_string(kStepSeconds);
}

}  // namespace medbox::console::totp
