#pragma once
// SQL of the note table (migrations/0001_create_schema.sql).
#include "core/db/Database.h"
#include <optional>
#include <string>
#include <vector>

namespace medbox::hisbridge::store {

struct Note {
    int64_t id = 0;
    std::string text;
    std::string author;   // the audit actor who wrote it ("staff:wang")
    int64_t createdMs = 0;
};

// Returns the new id.
int64_t insertNote(db::Tx& tx, const Note& note);
std::optional<Note> findNote(db::Connection& c, int64_t id);
// Newest first.
std::vector<Note> listNotes(db::Connection& c, int limit);

}  // namespace medbox::hisbridge::store
