#include "core/http/StaticFiles.h"

#include "core/error/AppError.h"
#include "core/http/Request.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace medbox {

namespace {

constexpr size_t kMaxPathBytes = 512;

std::string sha256Hex(std::string_view bytes) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("SHA-256 failed");
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (unsigned i = 0; i < 16; ++i) {  // 128 bits name a version well enough
        out += digits[md[i] >> 4];
        out += digits[md[i] & 15];
    }
    return out;
}

bool endsWith(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// Whether If-None-Match (a list of entity tags, or "*") names etag.
bool matchesEtag(std::string_view header, std::string_view etag) {
    // W/"x" matches "x" too: If-None-Match uses the weak comparison.
    return header.find('*') != std::string_view::npos || header.find(etag) != std::string_view::npos;
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

StaticFiles::StaticFiles(const std::vector<resources::Resource>& files) {
    for (const auto& r : files) {
        if (r.name.rfind("web/", 0) != 0) continue;
        std::string key(r.name.substr(4));
        // The OpenAPI document has its own route (/openapi.json).
        if (key == "openapi.json") continue;
        files_.emplace(key, File{r.bytes, r.gzip, contentType(key), "\"" + sha256Hex(r.bytes) + "\""});
    }
}

const StaticFiles::File* StaticFiles::find(const std::string& key) const {
    auto it = files_.find(key);
    return it == files_.end() ? nullptr : &it->second;
}

void StaticFiles::serve(const Request& rq, Reply& rp) const {
    auto key = keyOf(rq.path());
    const File* f = key ? find(*key) : nullptr;
    // "/booking" without its slash: the folder's page, by redirect, so that
    // its relative links resolve inside the folder.
    if (!f && key && rq.path().back() != '/' && find(*key + "/index.html")) {
        rp.status(308);
        rp.header("Location", rq.path() + "/");
        rp.content("text/plain; charset=utf-8", "");
        return;
    }
    if (!f) throw AppError(Err::NotFound, "no such page");
    rp.header("ETag", f->etag);
    rp.header("Cache-Control", "no-cache");
    rp.header("Vary", "Accept-Encoding");
    const std::string inm = rq.header("If-None-Match");
    if (!inm.empty() && matchesEtag(inm, f->etag)) {
        rp.status(304);
        rp.content(std::string(f->contentType), "");
        return;
    }
    if (!f->gzip.empty() && acceptsGzip(rq.header("Accept-Encoding"))) {
        rp.header("Content-Encoding", "gzip");
        rp.content(std::string(f->contentType), std::string(f->gzip));
    } else {
        rp.content(std::string(f->contentType), std::string(f->bytes));
    }
}

}  // namespace medbox
