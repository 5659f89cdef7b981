#pragma once
// Frames with a length header, as HIS socket interfaces use: the header gives
// the length of the message that follows (not counting itself), either as a
// big-endian binary number of headerBytes bytes (1 to 4), or as headerBytes
// ASCII decimal digits, zero-padded ("00000123"). A header that is not a
// number, or a length beyond the listener's limit, is an error before any of
// the message is read. Stateless; shared by all threads.
#include "core/net/Framer.h"

namespace medbox::net {

class LengthPrefixFramer : public Framer {
public:
    enum class Header { Binary, AsciiDecimal };
    // Throws std::invalid_argument for a header size the encoding cannot have
    // (binary 1-4 bytes, decimal 1-9 digits).
    LengthPrefixFramer(Header header, size_t headerBytes);

    FrameScan scan(std::string_view buffered, size_t from, size_t maxPayloadBytes) const override;
    std::string wrap(std::string_view payload) const override;
    std::string_view name() const override { return "length-prefix"; }

private:
    Header header_;
    size_t headerBytes_;
};

}  // namespace medbox::net
