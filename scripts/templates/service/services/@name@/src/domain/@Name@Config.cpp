#include "domain/@Name@Config.h"

namespace medbox::@name@ {

@Name@Config read@Name@Config(const Settings& s) {
    @Name@Config c;
    c.noteMaxChars = static_cast<int>(s.integer("@name@.note_max_chars", c.noteMaxChars, 1, 10000));
    return c;
}

}  // namespace medbox::@name@
