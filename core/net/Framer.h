#pragma once
// How a byte stream is cut into messages (MLLP, a length header). A framer
// only looks at bytes: TcpListener reads, keeps the buffer and calls scan()
// after each read. Stateless and immutable once made: one instance serves
// every connection of a listener, from their threads at once.
#include <cstddef>
#include <string>
#include <string_view>

namespace medbox::net {

// What scan() found at the start of the buffered bytes.
struct FrameScan {
    enum class Kind { NeedMore, Frame, Error };
    Kind kind = Kind::NeedMore;
    size_t frameBytes = 0;     // Frame: bytes the frame takes from the stream, envelope included
    size_t payloadOffset = 0;  // Frame: where the message starts within them
    size_t payloadBytes = 0;   // Frame: the message's length
    // NeedMore: bytes known not to hold the frame's end; pass it back as
    // `from` with the next scan so a frame arriving in many reads is not
    // searched again from its start.
    size_t checked = 0;
    std::string error;  // Error: why, for the log; never quotes the peer's bytes

    static FrameScan needMore(size_t checked = 0) { return {Kind::NeedMore, 0, 0, 0, checked, {}}; }
    static FrameScan frame(size_t total, size_t offset, size_t length) {
        return {Kind::Frame, total, offset, length, 0, {}};
    }
    static FrameScan fail(std::string why) { return {Kind::Error, 0, 0, 0, 0, std::move(why)}; }
};

class Framer {
public:
    virtual ~Framer() = default;
    // Looks at the bytes received so far; they start at a frame boundary.
    // from: the `checked` of the previous NeedMore on this buffer (0 after a
    // frame). A message longer than maxPayloadBytes is an error as soon as
    // that is known. Never throws on any input: the bytes are the peer's.
    virtual FrameScan scan(std::string_view buffered, size_t from, size_t maxPayloadBytes) const = 0;
    // The bytes that carry one outgoing message. Throws std::invalid_argument
    // for a message the framing cannot carry (our own bug, not the peer's).
    virtual std::string wrap(std::string_view payload) const = 0;
    // "mllp", "length-prefix": for logs.
    virtual std::string_view name() const = 0;
};

}  // namespace medbox::net
