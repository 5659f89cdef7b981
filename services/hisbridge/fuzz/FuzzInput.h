#pragma once
// What the hisbridge fuzz targets share: the first input byte picks the
// partner's charset (the rest is the stream or message), and a broken
// property aborts with its name so libFuzzer keeps the input.
#include "text/Charset.h"
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace medbox::hisbridge::fuzz {

inline void check(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "property broken: %s\n", what);
        std::abort();
    }
}

inline text::Charset charsetOf(uint8_t first) {
    return first % 3 == 0 ? text::Charset::Utf8 : first % 3 == 1 ? text::Charset::Gb18030 : text::Charset::Gbk;
}

}  // namespace medbox::hisbridge::fuzz
