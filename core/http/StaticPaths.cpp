// The parts of serving pages that read what a client sent -- the path and
// Accept-Encoding -- as pure functions, apart from StaticFiles.cpp so that a
// fuzz target builds them alone (core/http/fuzz: web_inputs).
#include "core/http/StaticFiles.h"

#include <algorithm>
#include <cctype>

namespace medbox {

namespace {

// The longest path a page can have (longer ones name no embedded file).
constexpr size_t kMaxPathBytes = 512;

bool endsWith(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace

bool acceptsGzip(std::string_view value) {
    const std::string v = lower(value);
    size_t start = 0;
    while (start <= v.size()) {
        size_t end = v.find(',', start);
        if (end == std::string::npos) end = v.size();
        std::string_view item(v.data() + start, end - start);
        size_t semi = item.find(';');
        std::string_view coding = item.substr(0, semi);
        while (!coding.empty() && (coding.front() == ' ' || coding.front() == '\t')) coding.remove_prefix(1);
        while (!coding.empty() && (coding.back() == ' ' || coding.back() == '\t')) coding.remove_suffix(1);
        if (coding == "gzip" || coding == "*") {
            bool zero = false;
            if (semi != std::string_view::npos) {
                std::string params(item.substr(semi + 1));
                params.erase(std::remove_if(params.begin(), params.end(), [](char c) { return c == ' ' || c == '\t'; }),
                             params.end());
                zero = params.rfind("q=0", 0) == 0 && params.find_first_not_of("0.", 2) == std::string::npos;
            }
            return !zero;
        }
        start = end + 1;
    }
    return false;
}

std::string_view StaticFiles::contentType(std::string_view name) {
    static const std::pair<std::string_view, std::string_view> types[] = {
        {".html", "text/html; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".json", "application/json"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".jpg", "image/jpeg"},
        {".jpeg", "image/jpeg"},
        {".webp", "image/webp"},
        {".ico", "image/x-icon"},
        {".woff2", "font/woff2"},
        {".txt", "text/plain; charset=utf-8"},
        {".webmanifest", "application/manifest+json"},
    };
    for (const auto& [ext, type] : types)
        if (endsWith(name, ext)) return type;
    return "application/octet-stream";
}

std::optional<std::string> StaticFiles::keyOf(std::string_view path) {
    if (path.empty() || path.front() != '/' || path.size() > kMaxPathBytes) return std::nullopt;
    std::string key;
    size_t i = 1;
    while (i <= path.size()) {
        size_t j = path.find('/', i);
        if (j == std::string_view::npos) j = path.size();
        std::string_view seg = path.substr(i, j - i);
        if (seg.empty()) {
            if (j != path.size()) return std::nullopt;  // "//": no file has an empty segment
        } else {
            // "." and ".." (and any hidden name) never name an embedded page.
            if (seg.front() == '.') return std::nullopt;
            for (char c : seg) {
                const auto u = static_cast<unsigned char>(c);
                if (u < 0x20 || u == 0x7f || c == '\\' || c == ':') return std::nullopt;
            }
            if (!key.empty()) key += '/';
            key += seg;
        }
        i = j + 1;
    }
    // A folder (the path ends in "/", or is "/") answers its index.html.
    if (path.back() == '/') key += key.empty() ? "index.html" : "/index.html";
    return key;
}

}  // namespace medbox
