#pragma once
// A cached prepared statement. Binding is by 1-based position; reading by
// 0-based column. The statement is reset (not finalised) when this handle goes
// away, so it is reused by the next prepare() of the same SQL.
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace medbox::db {

// A database error with SQLite's message and extended result code.
class DbError : public std::runtime_error {
public:
    DbError(int code, const std::string& msg) : std::runtime_error(msg), code_(code) {}
    int code() const { return code_; }
    bool isConstraint() const { return (code_ & 0xff) == 19; }  // SQLITE_CONSTRAINT
    bool isFull() const { return (code_ & 0xff) == 13; }        // SQLITE_FULL
    bool isReadOnly() const { return (code_ & 0xff) == 8; }     // SQLITE_READONLY

private:
    int code_;
};

class Statement {
public:
    Statement(sqlite3* db, sqlite3_stmt* st) : db_(db), st_(st) {}
    Statement(Statement&& o) noexcept : db_(o.db_), st_(o.st_) { o.st_ = nullptr; }
    Statement(const Statement&) = delete;
    ~Statement();

    Statement& bind(int i, int64_t v);
    Statement& bind(int i, int v) { return bind(i, static_cast<int64_t>(v)); }
    Statement& bind(int i, double v);
    Statement& bind(int i, std::string_view v);
    Statement& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
    Statement& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
    Statement& bindNull(int i);
    Statement& bindBlob(int i, std::string_view bytes);
    template <class T>
    Statement& bind(int i, const std::optional<T>& v) {
        return v ? bind(i, *v) : bindNull(i);
    }

    // Binds all arguments in order from position 1.
    template <class... A>
    Statement& args(const A&... a) {
        int i = 0;
        (bind(++i, a), ...);
        return *this;
    }

    // Advances; true while a row is available.
    bool step();
    // Runs to completion (for INSERT/UPDATE/DELETE).
    void run() {
        while (step()) {
        }
    }

    int64_t i64(int col) const;
    double f64(int col) const;
    std::string str(int col) const;
    std::string blob(int col) const;
    bool isNull(int col) const;
    std::optional<int64_t> optI64(int col) const;
    std::optional<std::string> optStr(int col) const;

private:
    sqlite3* db_;
    sqlite3_stmt* st_;
};

}  // namespace medbox::db
