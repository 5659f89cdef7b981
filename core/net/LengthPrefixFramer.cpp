#include "core/net/LengthPrefixFramer.h"

#include <cstdint>
#include <stdexcept>

namespace medbox::net {

LengthPrefixFramer::LengthPrefixFramer(Header header, size_t headerBytes) : header_(header), headerBytes_(headerBytes) {
    const size_t most = header == Header::Binary ? 4 : 9;
    if (headerBytes < 1 || headerBytes > most)
        throw std::invalid_argument("length header: " + std::to_string(headerBytes) + " bytes, expected 1 to " +
                                    std::to_string(most));
}

FrameScan LengthPrefixFramer::scan(std::string_view b, size_t, size_t maxPayloadBytes) const {
    if (b.size() < headerBytes_) return FrameScan::needMore();
    uint64_t length = 0;  // at most 9 decimal digits or 4 bytes: no overflow
    for (size_t i = 0; i < headerBytes_; ++i) {
        const auto c = static_cast<unsigned char>(b[i]);
        if (header_ == Header::Binary) {
            length = (length << 8) | c;
        } else {
            if (c < '0' || c > '9')
                return FrameScan::fail("length header is not " + std::to_string(headerBytes_) + " decimal digits");
            length = length * 10 + (c - '0');
        }
    }
    if (length > maxPayloadBytes)
        return FrameScan::fail("frame of " + std::to_string(length) + " bytes, more than the limit of " +
                               std::to_string(maxPayloadBytes));
    if (b.size() - headerBytes_ < length) return FrameScan::needMore();
    return FrameScan::frame(headerBytes_ + length, headerBytes_, length);
}

std::string LengthPrefixFramer::wrap(std::string_view payload) const {
    std::string header(headerBytes_, '\0');
    uint64_t n = payload.size();
    for (size_t i = headerBytes_; i-- > 0;) {
        if (header_ == Header::Binary) {
            header[i] = static_cast<char>(n & 0xFF);
            n >>= 8;
        } else {
            header[i] = static_cast<char>('0' + n % 10);
            n /= 10;
        }
    }
    if (n != 0)
        throw std::invalid_argument("a message of " + std::to_string(payload.size()) + " bytes does not fit a " +
                                    std::to_string(headerBytes_) + "-byte length header");
    return header + std::string(payload);
}

}  // namespace medbox::net
