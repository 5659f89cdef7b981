#include "handlers/Etag.h"
#include "domain/Digest.h"

namespace medbox::booking {

void replyWithEtag(const Request& rq, Reply& rp, std::string body) {
    // 128 bits are plenty to tell states apart.
    const std::string etag = "\"" + sha256Hex(body).substr(0, 32) + "\"";
    rp.header("ETag", etag);
    rp.header("Cache-Control", "no-cache");
    if (rq.header("If-None-Match") == etag) {
        rp.status(304);
        rp.content("application/json", "");
        return;
    }
    rp.rawJson(std::move(body));
}

}  // namespace medbox::booking
