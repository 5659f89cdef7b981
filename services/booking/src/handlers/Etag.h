#pragma once
// Answers a polled JSON read with an ETag (SHA-256 of the body): a poller
// that sends If-None-Match with an unchanged state gets 304 without a body,
// so a screen or nurse station polling every second costs a few bytes.
// Cache-Control: no-cache lets the browser keep the body and revalidate.
#include "core/http/Request.h"
#include <string>

namespace medbox::booking {

void replyWithEtag(const Request& rq, Reply& rp, std::string body);

}  // namespace medbox::booking
