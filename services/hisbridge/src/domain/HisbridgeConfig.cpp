#include "domain/HisbridgeConfig.h"

namespace medbox::hisbridge {

HisbridgeConfig readHisbridgeConfig(const Settings& s) {
    HisbridgeConfig c;
    c.noteMaxChars = static_cast<int>(s.integer("hisbridge.note_max_chars", c.noteMaxChars, 1, 10000));
    return c;
}

}  // namespace medbox::hisbridge
