#include "domain/RecoveryCodes.h"

#include "domain/Totp.h"

#include <openssl/evp.h>

#include <stdexcept>

namespace medbox::console::recovery {

std::vector<std::string> generate(const std::function<std::string(size_t)>& random) {
    std::vector<std::string> out;
    for (int i = 0; i < kCodesPerEnrolment; ++i) {
        const std::string raw = totp::base32Encode(random(kCodeBytes));
        std::string shown;
        for (size_t k = 0; k < raw.size(); ++k) {
            if (k > 0 && k % 4 == 0) shown += '-';
            shown += raw[k];
        }
        out.push_back(shown);
    }
    return out;
}

std::optional<std::string> normalize(std::string_view typed) {
    if (typed.size() > 64) return std::nullopt;
    std::string out;
    for (char c : typed) {
        if (c == '-' || c == ' ') continue;
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        const bool base32 = (c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7');
        if (!base32) return std::nullopt;
        out += c;
    }
    if (out.size() != kCodeBytes * 8 / 5) return std::nullopt;
    return out;
}

std::string hash(std::string_view normalized) {
    const std::string input = "medbox-recovery\n" + std::string(normalized);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(input.data(), input.size(), md, &len, EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("SHA-256 failed");
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < len; ++i) {
        out += hex[md[i] >> 4];
        out += hex[md[i] & 15];
    }
    return out;
}

std::vector<std::string> hashAll(const std::vector<std::string>& codes) {
    std::vector<std::string> hashes;
    hashes.reserve(codes.size());
    for (const auto& c : codes) hashes.push_back(hash(*normalize(c)));
    return hashes;
}

}  // namespace medbox::console::recovery
