#pragma once
// Every @name@.* configuration key, read in one place at start
// (@Name@App::configure); defaults in config/@name@.properties.
#include "core/config/Settings.h"

namespace medbox::@name@ {

struct @Name@Config {
    int noteMaxChars = 500;  // @name@.note_max_chars, 1-10000
};

// Throws ConfigError naming the key for a bad value.
@Name@Config read@Name@Config(const Settings& settings);

}  // namespace medbox::@name@
