// libFuzzer target: MllpFramer on any byte stream (core/net/fuzz/FramerFuzz.h).
#include "core/net/MllpFramer.h"
#include "FramerFuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const medbox::net::MllpFramer framer;
    medbox::net::fuzz::checkFramer(framer, data, size, 256);
    return 0;
}
