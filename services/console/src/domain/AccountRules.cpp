#include "domain/AccountRules.h"

#include "core/error/AppError.h"

#include "core/auth/Password.h"
#include "domain/RoleCatalog.h"

#include <algorithm>

namespace medbox::console::rules {

bool isValidUsername(std::string_view name) {
    if (name.size() < 3 || name.size() > 32) return false;
    if (name[0] < 'a' || name[0] > 'z') return false;
    for (char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
        if (!ok) return false;
    }
    return true;
}

std::string asciiLower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

std::string checkText(std::string_view name, size_t maxChars, bool mayBeEmpty) {
    size_t chars = 0;
    for (size_t i = 0; i < name.size();) {
        const auto b = static_cast<unsigned char>(name[i]);
        size_t len = 0;
        uint32_t cp = 0;
        if (b < 0x80) {
            len = 1;
            cp = b;
        } else if ((b & 0xe0) == 0xc0) {
            len = 2;
            cp = b & 0x1f;
        } else if ((b & 0xf0) == 0xe0) {
            len = 3;
            cp = b & 0x0f;
        } else if ((b & 0xf8) == 0xf0) {
            len = 4;
            cp = b & 0x07;
        } else {
            return "must be valid UTF-8";
        }
        if (i + len > name.size()) return "must be valid UTF-8";
        for (size_t k = 1; k < len; ++k) {
            const auto cb = static_cast<unsigned char>(name[i + k]);
            if ((cb & 0xc0) != 0x80) return "must be valid UTF-8";
            cp = (cp << 6) | (cb & 0x3f);
        }
        const bool overlong = (len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
        if (overlong || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return "must be valid UTF-8";
        if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0)) return "must not contain control characters";
        i += len;
        ++chars;
    }
    if (chars == 0 && !mayBeEmpty) return "must not be empty";
    if (chars > maxChars) return "must be at most " + std::to_string(maxChars) + " characters";
    return {};
}

std::string checkDisplayName(std::string_view name) { return checkText(name, 64, false); }

std::string checkRoles(const std::vector<std::string>& roles) {
    if (roles.empty()) return "at least one role is required";
    for (const auto& r : roles) {
        if (!RoleCatalog::isKnown(r)) return "unknown role '" + r + "' (GET /api/v1/roles lists them)";
    }
    return {};
}

std::string checkNewPassword(const std::string& password, const std::string& username) {
    std::string why = password::checkPolicy(password);
    if (!why.empty()) return why;
    if (!username.empty() && asciiLower(password).find(username) != std::string::npos) {
        return "must not contain the user name";
    }
    return {};
}

void require(const std::string& why, const std::string& field) {
    if (!why.empty()) throw AppError(Err::InvalidField, field + ": " + why, field);
}

std::vector<std::string> sortedRoles(std::vector<std::string> roles) {
    std::sort(roles.begin(), roles.end());
    roles.erase(std::unique(roles.begin(), roles.end()), roles.end());
    return roles;
}

}  // namespace medbox::console::rules
