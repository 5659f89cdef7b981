#include "core/systemd/UnitName.h"

#include "core/systemd/Error.h"

#include <algorithm>

namespace medbox::systemd {

namespace {

constexpr std::string_view kPrefix = "medbox-";
constexpr std::string_view kServiceSuffix = ".service";
constexpr std::string_view kTimerSuffix = ".timer";

bool isLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

bool isPrefixChar(char c) { return isLowerAlnum(c) || c == '-'; }

// systemd allows more in instances ("\" escapes, which encode "/"); we do not.
bool isInstanceChar(char c) {
    return isLowerAlnum(c) || (c >= 'A' && c <= 'Z') || c == '-' || c == '_' || c == '.' || c == ':';
}

bool isPrintable(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) {
        auto u = static_cast<unsigned char>(c);
        return u >= 0x20 && u < 0x7f;
    });
}

std::string quoted(std::string_view name) {
    if (isPrintable(name) && name.size() <= 80) return "\"" + std::string(name) + "\"";
    return "the given name";
}

std::string notOurs(std::string_view name, std::string_view detail) {
    return quoted(name) + " is not a medbox unit (" + std::string(detail) +
           "); only medbox-*.service and medbox-*.timer units may be managed";
}

}  // namespace

std::string whyNotMedboxUnit(std::string_view name) {
    if (name.empty()) return "empty unit name";
    if (name.size() > kMaxUnitNameLength) return "unit name longer than 255 characters";
    if (!name.starts_with(kPrefix)) return notOurs(name, "name does not start with \"medbox-\"");

    std::string_view stem;
    if (name.ends_with(kServiceSuffix)) {
        stem = name.substr(0, name.size() - kServiceSuffix.size());
    } else if (name.ends_with(kTimerSuffix)) {
        stem = name.substr(0, name.size() - kTimerSuffix.size());
    } else {
        return notOurs(name, "type is not .service or .timer");
    }
    stem.remove_prefix(kPrefix.size());

    std::string_view prefix = stem;
    std::string_view instance;
    bool templated = false;
    if (auto at = stem.find('@'); at != std::string_view::npos) {
        templated = true;
        prefix = stem.substr(0, at);
        instance = stem.substr(at + 1);
    }
    if (prefix.empty() || !isLowerAlnum(prefix.front()) || !std::all_of(prefix.begin(), prefix.end(), isPrefixChar)) {
        return notOurs(name, "after \"medbox-\" only a-z, 0-9 and '-' are allowed, starting with a letter or digit");
    }
    if (templated) {
        if (instance.empty()) return quoted(name) + " is a template; name an instance (medbox-NAME@INSTANCE)";
        if (!std::all_of(instance.begin(), instance.end(), isInstanceChar) ||
            instance.find("..") != std::string_view::npos || instance.front() == '.') {
            return notOurs(name, "instance may only contain A-Z, a-z, 0-9, '-', '_', ':' and single '.'");
        }
    }
    return {};
}

void requireMedboxUnitName(std::string_view name) {
    if (auto why = whyNotMedboxUnit(name); !why.empty()) throw Error(ErrorCode::InvalidUnitName, why);
}

std::string resolveMedboxUnit(std::string_view input) {
    std::string name(input);
    // Short forms only for bare words: anything with a suffix must be spelled
    // out, so "systemd-journald.service" is refused instead of being turned
    // into a harmless-looking "medbox-systemd-journald.service".
    bool hasSuffix = name.find('.') != std::string::npos;
    if (!hasSuffix && !name.empty() && name.find('/') == std::string::npos) {
        if (!name.starts_with(kPrefix)) name = std::string(kPrefix) + name;
        name += kServiceSuffix;
    }
    if (auto why = whyNotMedboxUnit(name); !why.empty()) {
        // Show the user's own spelling too when we expanded it.
        if (name != input && isPrintable(input) && input.size() <= 80)
            why += " (expanded from \"" + std::string(input) + "\")";
        throw Error(ErrorCode::InvalidUnitName, why);
    }
    return name;
}

}  // namespace medbox::systemd
