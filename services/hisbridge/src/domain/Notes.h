#pragma once
// Notes, the hisbridge service's first resource: short texts staff leave for each
// other. The rules (length, audit) live here; SQL in store/NoteStore.
// One object per service, shared by the worker threads (no state of its own).
#include "domain/HisbridgeEnv.h"
#include "store/NoteStore.h"
#include <vector>

namespace medbox::hisbridge {

class Notes {
public:
    explicit Notes(HisbridgeEnv& env) : env_(env) {}

    // Newest first, at most limit.
    std::vector<store::Note> list(int limit) const;
    // AppError NotFound when there is no such note.
    store::Note get(int64_t id) const;
    // Trims text; AppError InvalidField (field "text") when it is empty or
    // longer than hisbridge.note_max_chars characters. Audited as note.create.
    store::Note add(const std::string& actor, const std::string& text);

private:
    HisbridgeEnv& env_;
};

// Characters (UTF-8 code points) in text.
size_t countChars(const std::string& text);

}  // namespace medbox::hisbridge
