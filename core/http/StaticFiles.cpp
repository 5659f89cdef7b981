#include "core/http/StaticFiles.h"

#include "core/error/AppError.h"
#include "core/http/Request.h"

#include <openssl/evp.h>

#include <stdexcept>

namespace medbox {

namespace {

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

// Whether If-None-Match (a list of entity tags, or "*") names etag.
bool matchesEtag(std::string_view header, std::string_view etag) {
    // W/"x" matches "x" too: If-None-Match uses the weak comparison.
    return header.find('*') != std::string_view::npos || header.find(etag) != std::string_view::npos;
}

}  // namespace

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
