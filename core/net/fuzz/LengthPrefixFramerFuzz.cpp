// libFuzzer target: LengthPrefixFramer on any byte stream, in the header
// forms a HIS may use (the first byte picks one; FramerFuzz.h checks the rest).
#include "core/net/LengthPrefixFramer.h"
#include "FramerFuzz.h"

using medbox::net::LengthPrefixFramer;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const LengthPrefixFramer framers[] = {
        {LengthPrefixFramer::Header::Binary, 4},
        {LengthPrefixFramer::Header::Binary, 2},
        {LengthPrefixFramer::Header::AsciiDecimal, 8},
        {LengthPrefixFramer::Header::AsciiDecimal, 4},
    };
    if (size < 1) return 0;
    medbox::net::fuzz::checkFramer(framers[data[0] % 4], data + 1, size - 1, 256);
    return 0;
}
