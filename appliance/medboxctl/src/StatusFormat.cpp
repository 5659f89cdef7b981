#include "StatusFormat.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <ctime>
#include <sstream>

namespace medbox::ctl {

std::string formatBytes(std::uint64_t bytes) {
    static constexpr std::array<char, 6> units = {'K', 'M', 'G', 'T', 'P', 'E'};
    if (bytes < 1024) return std::to_string(bytes) + "B";
    double value = static_cast<double>(bytes);
    std::size_t unit = 0;
    value /= 1024.0;
    while (value >= 1024.0 && unit + 1 < units.size()) {
        value /= 1024.0;
        ++unit;
    }
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, value < 10 ? "%.1f%c" : "%.0f%c", value, units[unit]);
    std::string s(buffer);
    // "2.0K" reads better as "2K".
    if (auto dot = s.find(".0"); dot != std::string::npos && dot + 3 == s.size()) s.erase(dot, 2);
    return s;
}

std::string formatTime(TimePoint t) {
    std::time_t secs = std::chrono::system_clock::to_time_t(t);
    std::tm local{};
    localtime_r(&secs, &local);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S", &local);
    return buffer;
}

std::string formatRelative(TimePoint then, TimePoint now) {
    using namespace std::chrono;
    auto diff = duration_cast<seconds>(now - then).count();
    bool future = diff < 0;
    long long s = future ? -diff : diff;
    if (s == 0) return "now";
    std::string text;
    long long days = s / 86400, hours = (s / 3600) % 24, minutes = (s / 60) % 60, seconds = s % 60;
    if (days > 0) {
        text = std::to_string(days) + " day" + (days == 1 ? "" : "s") +
               (hours ? " " + std::to_string(hours) + "h" : "");
    } else if (hours > 0) {
        text = std::to_string(hours) + "h" + (minutes ? " " + std::to_string(minutes) + "min" : "");
    } else if (minutes > 0) {
        text = std::to_string(minutes) + "min" + (seconds ? " " + std::to_string(seconds) + "s" : "");
    } else {
        text = std::to_string(seconds) + "s";
    }
    return future ? "in " + text : text + " ago";
}

namespace {

// Length of the valid UTF-8 sequence at s[i], or 0 if invalid.
std::size_t utf8Length(std::string_view s, std::size_t i) {
    auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char c = b(i);
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (i + n > s.size()) return 0;
    for (std::size_t k = 1; k < n; ++k) {
        if ((b(i + k) & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (b(i + k) & 0x3F);
    }
    // Overlong forms, surrogates, beyond U+10FFFF, and C1 controls (U+0080..U+009F,
    // which some terminals treat like ESC sequences) are all rejected.
    if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) ||
        (cp >= 0x80 && cp <= 0x9F)) {
        return 0;
    }
    return n;
}

}  // namespace

std::string escapeForTerminal(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c < 0x7F) {
            out += static_cast<char>(c);
            ++i;
            continue;
        }
        if (c >= 0x80) {
            if (auto n = utf8Length(text, i); n > 0) {
                out.append(text.substr(i, n));
                i += n;
                continue;
            }
        }
        char buffer[8];
        std::snprintf(buffer, sizeof buffer, "\\x%02x", c);
        out += buffer;
        ++i;
    }
    return out;
}

std::string formatUnitTable(const std::vector<systemd::UnitStatus>& units) {
    const std::vector<std::string> header = {"UNIT", "ACTIVE", "SUB", "SINCE", "PID", "MEMORY", "RESTARTS", "ENABLED"};
    std::vector<std::vector<std::string>> rows;
    for (const auto& u : units) {
        rows.push_back({
            escapeForTerminal(u.name),
            u.activeState,
            u.subState,
            u.activeSince ? formatTime(*u.activeSince) : "-",
            u.mainPid != 0 ? std::to_string(u.mainPid) : "-",
            u.memoryBytes ? formatBytes(*u.memoryBytes) : "-",
            u.restarts ? std::to_string(*u.restarts) : "-",
            u.unitFileState.empty() ? "-" : u.unitFileState,
        });
    }
    std::vector<std::size_t> width(header.size());
    for (std::size_t i = 0; i < header.size(); ++i) width[i] = header[i].size();
    for (const auto& row : rows) {
        for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
    }
    std::ostringstream s;
    auto line = [&](const std::vector<std::string>& cells) {
        std::string text;
        for (std::size_t i = 0; i < cells.size(); ++i) {
            text += cells[i];
            if (i + 1 < cells.size()) text += std::string(width[i] - cells[i].size() + 2, ' ');
        }
        s << text << "\n";
    };
    line(header);
    for (const auto& row : rows) line(row);
    return s.str();
}

std::string formatUnitDetail(const systemd::UnitStatus& u, TimePoint now) {
    std::ostringstream s;
    s << escapeForTerminal(u.name);
    if (!u.description.empty()) s << " - " << escapeForTerminal(u.description);
    s << "\n";
    s << "  Loaded:   " << u.loadState;
    if (!u.fragmentPath.empty() || !u.unitFileState.empty()) {
        s << " (" << escapeForTerminal(u.fragmentPath)
          << (u.fragmentPath.empty() || u.unitFileState.empty() ? "" : "; ") << u.unitFileState << ")";
    }
    s << "\n";
    s << "  Active:   " << u.activeState << " (" << u.subState << ")";
    if (u.activeSince) s << " since " << formatTime(*u.activeSince) << "; " << formatRelative(*u.activeSince, now);
    s << "\n";
    if (u.name.ends_with(".service")) {
        s << "  Main PID: " << (u.mainPid != 0 ? std::to_string(u.mainPid) : std::string("-")) << "\n";
        s << "  Memory:   " << (u.memoryBytes ? formatBytes(*u.memoryBytes) : std::string("-")) << "\n";
        s << "  Restarts: " << (u.restarts ? std::to_string(*u.restarts) : std::string("-")) << "\n";
    }
    if (u.name.ends_with(".timer")) {
        s << "  Next:     "
          << (u.nextElapse ? formatTime(*u.nextElapse) + "; " + formatRelative(*u.nextElapse, now) : std::string("-"))
          << "\n";
        s << "  Last:     "
          << (u.lastTrigger ? formatTime(*u.lastTrigger) + "; " + formatRelative(*u.lastTrigger, now)
                            : std::string("-"))
          << "\n";
    }
    return s.str();
}

std::string formatJournal(const std::vector<systemd::JournalLine>& lines) {
    std::ostringstream s;
    for (const auto& l : lines) {
        s << formatTime(l.time) << " " << escapeForTerminal(l.identifier);
        if (l.pid != 0) s << "[" << l.pid << "]";
        s << ": " << escapeForTerminal(l.message) << "\n";
    }
    return s.str();
}

}  // namespace medbox::ctl
