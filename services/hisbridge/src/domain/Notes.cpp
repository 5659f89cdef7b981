#include "domain/Notes.h"
#include "core/error/AppError.h"
#include "core/error/OrNotFound.h"

namespace medbox::hisbridge {

namespace {

std::string trim(const std::string& s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

}  // namespace

size_t countChars(const std::string& text) {
    size_t n = 0;
    for (unsigned char c : text)
        if ((c & 0xC0) != 0x80) ++n;  // every byte but UTF-8 continuation bytes starts a character
    return n;
}

std::vector<store::Note> Notes::list(int limit) const {
    return env_.db.read([&](db::Connection& c) { return store::listNotes(c, limit); });
}

store::Note Notes::get(int64_t id) const {
    return orNotFound(env_.db.read([&](db::Connection& c) { return store::findNote(c, id); }), "note", id);
}

store::Note Notes::add(const std::string& actor, const std::string& text) {
    store::Note note;
    note.text = trim(text);
    if (note.text.empty()) throw AppError(Err::InvalidField, "text is empty", "text");
    if (countChars(note.text) > static_cast<size_t>(env_.config.noteMaxChars))
        throw AppError(Err::InvalidField,
                       "text is longer than " + std::to_string(env_.config.noteMaxChars) + " characters", "text");
    note.author = actor;
    note.createdMs = env_.now();
    env_.db.write([&](db::Tx& tx) {
        note.id = store::insertNote(tx, note);
        AuditEntry e;
        e.actor = actor;
        e.action = "note.create";
        e.target = "note:" + std::to_string(note.id);
        e.detail = "{}";  // the text may name patients: never in the audit log
        env_.effects.auditIn(tx, e);
    });
    return note;
}

}  // namespace medbox::hisbridge
