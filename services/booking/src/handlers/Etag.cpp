#include "handlers/Etag.h"
#include <openssl/evp.h>
#include <cstdio>

namespace medbox::booking {

void replyWithEtag(const Request& rq, Reply& rp, std::string body) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(body.data(), body.size(), md, &len, EVP_sha256(), nullptr);
    std::string etag = "\"";
    char hex[3];
    for (unsigned int i = 0; i < 16 && i < len; ++i) {  // 128 bits are plenty to tell states apart
        std::snprintf(hex, sizeof hex, "%02x", md[i]);
        etag += hex;
    }
    etag += '"';
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
