#pragma once
// A service's pages: the files under web/ of its embedded list (its own
// web/ folder, the core's web/shared/ and the vendored libraries) served at
// their path below web/ ("web/shared/ui.css" at /shared/ui.css). Folders
// answer their index.html. Nothing is read from disk: a path can only name
// an embedded file, so no request reaches the file system. See docs/web.md.
//
// Caching: every answer carries a strong ETag (SHA-256 of the bytes) and
// "Cache-Control: no-cache": the browser keeps the file and revalidates it
// (304 without a body) on each use, so an update is seen at once although
// ES modules import each other by plain names (hashed names would need a
// build step that rewrites every import).
#include "core/util/Resources.h"
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace medbox {

class Request;
class Reply;

// The Content-Security-Policy of every answer, pages included: scripts,
// styles, fonts and requests from the service's own origin only; no inline
// script or style, no plugins, no framing, no <base> rewriting.
inline constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

class StaticFiles {
public:
    // Keeps views into files (the embedded bytes live as long as the program).
    explicit StaticFiles(const std::vector<resources::Resource>& files);

    // Answers GET/HEAD of a page: 200 (gzip when the client accepts it),
    // 304 when If-None-Match names the current ETag; NotFound otherwise.
    void serve(const Request& rq, Reply& rp) const;
    size_t size() const { return files_.size(); }

    // The key a request path names ("/", "/a/" -> ".../index.html"), or
    // nullopt for a path that can name no file: "..", ".", empty or hidden
    // segments, a backslash, a control character or NUL, over 512 bytes.
    static std::optional<std::string> keyOf(std::string_view decodedPath);
    static std::string_view contentType(std::string_view name);

private:
    struct File {
        std::string_view bytes;
        std::string_view gzip;
        std::string_view contentType;
        std::string etag;
    };
    const File* find(const std::string& key) const;
    std::unordered_map<std::string, File> files_;
};

// Whether an Accept-Encoding value admits gzip (a "gzip" or "*" coding
// whose q is not 0).
bool acceptsGzip(std::string_view acceptEncoding);

}  // namespace medbox
