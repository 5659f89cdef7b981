#include "core/db/Statement.h"

#include <sqlite3.h>

namespace medbox::db {

namespace {
[[noreturn]] void fail(sqlite3* db, int rc) {
    throw DbError(sqlite3_extended_errcode(db), std::string(sqlite3_errmsg(db)) + " (code " + std::to_string(rc) + ")");
}
void check(sqlite3* db, int rc) {
    if (rc != SQLITE_OK) fail(db, rc);
}
}  // namespace

Statement::~Statement() {
    if (st_) {
        sqlite3_reset(st_);
        sqlite3_clear_bindings(st_);
    }
}

Statement& Statement::bind(int i, int64_t v) {
    check(db_, sqlite3_bind_int64(st_, i, v));
    return *this;
}
Statement& Statement::bind(int i, double v) {
    check(db_, sqlite3_bind_double(st_, i, v));
    return *this;
}
Statement& Statement::bind(int i, std::string_view v) {
    check(db_, sqlite3_bind_text64(st_, i, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
    return *this;
}
Statement& Statement::bindNull(int i) {
    check(db_, sqlite3_bind_null(st_, i));
    return *this;
}
Statement& Statement::bindBlob(int i, std::string_view b) {
    check(db_, sqlite3_bind_blob64(st_, i, b.data(), b.size(), SQLITE_TRANSIENT));
    return *this;
}

bool Statement::step() {
    int rc = sqlite3_step(st_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    fail(db_, rc);
}

int64_t Statement::i64(int c) const { return sqlite3_column_int64(st_, c); }
double Statement::f64(int c) const { return sqlite3_column_double(st_, c); }
std::string Statement::str(int c) const {
    auto p = reinterpret_cast<const char*>(sqlite3_column_text(st_, c));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(st_, c))) : std::string();
}
std::string Statement::blob(int c) const {
    auto p = static_cast<const char*>(sqlite3_column_blob(st_, c));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(st_, c))) : std::string();
}
bool Statement::isNull(int c) const { return sqlite3_column_type(st_, c) == SQLITE_NULL; }
std::optional<int64_t> Statement::optI64(int c) const {
    if (isNull(c)) return std::nullopt;
    return i64(c);
}
std::optional<std::string> Statement::optStr(int c) const {
    if (isNull(c)) return std::nullopt;
    return str(c);
}

}  // namespace medbox::db
