// libFuzzer target for what a browser sends besides the request framing: the
// page path (percent-decoded, as the server does, then StaticFiles::keyOf),
// Accept-Encoding (acceptsGzip), the Cookie header (cookieIn) and ISO 8601
// times in query strings (parseIsoMicros). Beyond "no crash" it checks what
// serving relies on:
// - a key never leaves the embedded tree: no "..", ".", empty or hidden
//   segment, no backslash, colon or control character, never absolute;
// - a staff cookie value is a piece of its own pair: no ';', never longer
//   than the header (the token verifier, fuzzed as token_verify, judges it);
// - a time that parses prints back (to the microsecond) and parses to itself.
// The input is split at the first three NUL bytes into the four fields.
#include "core/http/StaffSession.h"
#include "core/http/StaticFiles.h"
#include "core/time/IsoTime.h"

#include <Poco/Exception.h>
#include <Poco/URI.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

void check(bool ok) {
    if (!ok) std::abort();
}

void checkKey(const std::string& key) {
    check(!key.empty() && key.front() != '/');
    size_t start = 0;
    while (start <= key.size()) {
        size_t end = key.find('/', start);
        if (end == std::string::npos) end = key.size();
        const std::string_view seg(key.data() + start, end - start);
        check(!seg.empty() && seg.front() != '.');
        for (char c : seg) {
            const auto u = static_cast<unsigned char>(c);
            check(u >= 0x20 && u != 0x7f && c != '\\' && c != ':');
        }
        start = end + 1;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view in(reinterpret_cast<const char*>(data), size);
    std::string_view fields[4];
    for (int i = 0; i < 3; ++i) {
        const size_t nul = in.find('\0');
        fields[i] = in.substr(0, nul);
        in = nul == std::string_view::npos ? std::string_view() : in.substr(nul + 1);
    }
    fields[3] = in;

    std::string path;
    try {
        Poco::URI::decode(std::string(fields[0]), path);
        if (const auto key = medbox::StaticFiles::keyOf(path)) checkKey(*key);
    } catch (const Poco::Exception&) {
        // malformed percent-encoding: the server answers 400
    }

    (void)medbox::acceptsGzip(fields[1]);

    if (const auto cookie = medbox::staff_session::cookieIn(fields[2])) {
        check(cookie->find(';') == std::string::npos);
        check(cookie->size() < fields[2].size());
        check(fields[2].find(*cookie) != std::string_view::npos);
    }

    if (const auto us = medbox::parseIsoMicros(fields[3])) {
        check(*us >= 0);
        check(medbox::parseIsoMicros(medbox::isoUtcMicros(*us)) == us);
    }
    return 0;
}
