#pragma once
// Every hisbridge.* configuration key, read in one place at start
// (HisbridgeApp::configure); defaults in config/hisbridge.properties.
#include "core/config/Settings.h"

namespace medbox::hisbridge {

struct HisbridgeConfig {
    int noteMaxChars = 500;  // hisbridge.note_max_chars, 1-10000
};

// Throws ConfigError naming the key for a bad value.
HisbridgeConfig readHisbridgeConfig(const Settings& settings);

}  // namespace medbox::hisbridge
