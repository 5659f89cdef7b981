#pragma once
// HL7's Minimal Lower Layer Protocol (HL7 v2.5.1 Implementation Guide, MLLP
// release 2, "block format"): 0x0B <message> 0x1C 0x0D. Strict: a byte
// outside a frame, a 0x0B inside one or a 0x1C not followed by 0x0D is an
// error, and the listener closes the connection (there is no message to NAK
// and no safe point to resynchronise on). Stateless; shared by all threads.
#include "core/net/Framer.h"

namespace medbox::net {

class MllpFramer : public Framer {
public:
    static constexpr char kStart = 0x0B;
    static constexpr char kEnd = 0x1C;
    static constexpr char kCarriageReturn = 0x0D;

    FrameScan scan(std::string_view buffered, size_t from, size_t maxPayloadBytes) const override;
    std::string wrap(std::string_view payload) const override;
    std::string_view name() const override { return "mllp"; }
};

}  // namespace medbox::net
