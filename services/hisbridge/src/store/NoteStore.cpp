#include "store/NoteStore.h"

namespace medbox::hisbridge::store {

namespace {

const char* kSelect = "SELECT id, text, author, created_ms FROM note ";

Note readNote(const db::Statement& st) {
    Note n;
    n.id = st.i64(0);
    n.text = st.str(1);
    n.author = st.str(2);
    n.createdMs = st.i64(3);
    return n;
}

}  // namespace

int64_t insertNote(db::Tx& tx, const Note& note) {
    tx.prepare("INSERT INTO note (text, author, created_ms) VALUES (?, ?, ?)")
        .args(note.text, note.author, note.createdMs)
        .run();
    return tx.lastInsertId();
}

std::optional<Note> findNote(db::Connection& c, int64_t id) {
    auto st = c.prepare(std::string(kSelect) + "WHERE id = ?");
    st.args(id);
    if (!st.step()) return std::nullopt;
    return readNote(st);
}

std::vector<Note> listNotes(db::Connection& c, int limit) {
    auto st = c.prepare(std::string(kSelect) + "ORDER BY id DESC LIMIT ?");
    st.args(limit);
    std::vector<Note> out;
    while (st.step()) out.push_back(readNote(st));
    return out;
}

}  // namespace medbox::hisbridge::store
