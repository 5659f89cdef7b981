#pragma once
// What every framer must do with any bytes, checked by its fuzz target:
// never throw, never point outside the buffer, find the same frames whether
// the stream arrives whole or in pieces (resumed with `checked`), and give
// back a found message unchanged through wrap() and scan().
#include "core/net/Framer.h"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

namespace medbox::net::fuzz {

struct Outcome {
    std::vector<std::string> frames;
    bool error = false;
    bool operator==(const Outcome&) const = default;
};

inline void require(bool ok) {
    if (!ok) std::abort();
}

// Feeds the stream in pieces of 1 to 64 bytes (sizes from seed; one piece when seed is 0).
inline Outcome scanStream(const Framer& f, std::string_view stream, size_t max, uint32_t seed) {
    Outcome out;
    std::string buf;
    size_t checked = 0;
    size_t pos = 0;
    while (pos < stream.size()) {
        seed = seed * 1103515245u + 12345u;
        const size_t n = seed == 12345u ? stream.size() : 1 + (seed >> 16) % 64;
        buf.append(stream.substr(pos, n));
        pos += std::min(n, stream.size() - pos);
        for (;;) {
            const FrameScan s = f.scan(buf, checked, max);
            if (s.kind == FrameScan::Kind::Error) {
                require(!s.error.empty());
                out.error = true;
                return out;
            }
            if (s.kind == FrameScan::Kind::NeedMore) {
                require(s.checked <= buf.size());
                checked = s.checked;
                break;
            }
            require(s.frameBytes > 0 && s.frameBytes <= buf.size());
            require(s.payloadOffset <= s.frameBytes && s.payloadBytes <= s.frameBytes - s.payloadOffset);
            require(s.payloadBytes <= max);
            out.frames.push_back(buf.substr(s.payloadOffset, s.payloadBytes));
            buf.erase(0, s.frameBytes);
            checked = 0;
        }
    }
    return out;
}

inline void checkFramer(const Framer& f, const uint8_t* data, size_t size, size_t max) {
    if (size < 1) return;
    const uint32_t seed = data[0];
    const std::string_view stream(reinterpret_cast<const char*>(data) + 1, size - 1);
    const Outcome whole = scanStream(f, stream, max, 0);
    const Outcome pieces = scanStream(f, stream, max, seed | 1);
    require(whole == pieces);
    for (const auto& payload : whole.frames) {
        const std::string framed = f.wrap(payload);
        const FrameScan s = f.scan(framed, 0, max);
        require(s.kind == FrameScan::Kind::Frame && s.frameBytes == framed.size());
        require(framed.compare(s.payloadOffset, s.payloadBytes, payload) == 0);
    }
}

}  // namespace medbox::net::fuzz
