#include "core/net/MllpFramer.h"

#include <stdexcept>

namespace medbox::net {

FrameScan MllpFramer::scan(std::string_view b, size_t from, size_t maxPayloadBytes) const {
    if (b.empty()) return FrameScan::needMore();
    if (b[0] != kStart) return FrameScan::fail("a byte outside an MLLP frame (a frame starts with 0x0B)");
    // Payload bytes are b[1..i); `from` bytes are known to hold neither 0x0B nor 0x1C.
    for (size_t i = from > 1 ? from : 1; i < b.size(); ++i) {
        const char c = b[i];
        if (c == kEnd) {
            if (i + 1 == b.size()) return FrameScan::needMore(i);
            if (b[i + 1] != kCarriageReturn) return FrameScan::fail("0x1C not followed by 0x0D in an MLLP frame");
            if (i - 1 > maxPayloadBytes) break;
            return FrameScan::frame(i + 2, 1, i - 1);
        }
        if (c == kStart) return FrameScan::fail("0x0B inside an MLLP frame (a frame that did not end)");
        if (i > maxPayloadBytes) break;
    }
    if (b.size() - 1 > maxPayloadBytes)
        return FrameScan::fail("MLLP frame longer than " + std::to_string(maxPayloadBytes) + " bytes");
    return FrameScan::needMore(b.size());
}

std::string MllpFramer::wrap(std::string_view payload) const {
    if (payload.find_first_of(std::string_view("\x0B\x1C", 2)) != std::string_view::npos)
        throw std::invalid_argument("an MLLP message cannot hold the bytes 0x0B or 0x1C");
    std::string out;
    out.reserve(payload.size() + 3);
    out += kStart;
    out += payload;
    out += kEnd;
    out += kCarriageReturn;
    return out;
}

}  // namespace medbox::net
