#include "store/DirectoryStore.h"

namespace medbox::console::store {

namespace {

// A LIKE pattern that finds `text` anywhere: %, _ and the escape mean themselves.
std::string containsPattern(const std::string& text) {
    std::string p = "%";
    for (char ch : text) {
        if (ch == '%' || ch == '_' || ch == '\\') p += '\\';
        p += ch;
    }
    return p + "%";
}

}  // namespace

void saveDirectoryFields(db::Connection& c, int64_t userId, const DirectoryFields& f, int64_t nowMs) {
    c.prepare(
         "INSERT INTO staff_directory (user_id, department, title, skills, extension, updated_at_ms) "
         "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET department = excluded.department, "
         "title = excluded.title, skills = excluded.skills, extension = excluded.extension, "
         "updated_at_ms = excluded.updated_at_ms")
        .args(userId, f.department, f.title, f.skills, f.extension, nowMs)
        .run();
}

DirectoryFields directoryFields(db::Connection& c, int64_t userId) {
    auto st = c.prepare("SELECT department, title, skills, extension FROM staff_directory WHERE user_id = ?");
    st.args(userId);
    if (!st.step()) return {};
    return {st.str(0), st.str(1), st.str(2), st.str(3)};
}

std::vector<DirectoryEntry> searchDirectory(db::Connection& c, const std::string& text, const std::string& department,
                                            int offset, int limit) {
    auto st = c.prepare(
        "SELECT u.id, u.username, u.display_name, COALESCE(d.department, ''), COALESCE(d.title, ''), "
        "COALESCE(d.skills, ''), COALESCE(d.extension, '') "
        "FROM users u LEFT JOIN staff_directory d ON d.user_id = u.id "
        "WHERE u.enabled = 1 AND (?1 = '' OR COALESCE(d.department, '') = ?1) "
        "AND (?2 = '%%' OR u.display_name LIKE ?2 ESCAPE '\\' OR u.username LIKE ?2 ESCAPE '\\' "
        "  OR d.department LIKE ?2 ESCAPE '\\' OR d.title LIKE ?2 ESCAPE '\\' "
        "  OR d.skills LIKE ?2 ESCAPE '\\' OR d.extension LIKE ?2 ESCAPE '\\') "
        "ORDER BY COALESCE(d.department, '') = '', COALESCE(d.department, ''), u.display_name, u.id "
        "LIMIT ?3 OFFSET ?4");
    st.args(department, containsPattern(text), int64_t{limit}, int64_t{offset});
    std::vector<DirectoryEntry> out;
    while (st.step()) {
        out.push_back({st.i64(0), st.str(1), st.str(2), {st.str(3), st.str(4), st.str(5), st.str(6)}});
    }
    return out;
}

std::vector<std::string> directoryDepartments(db::Connection& c) {
    auto st = c.prepare(
        "SELECT DISTINCT d.department FROM staff_directory d JOIN users u ON u.id = d.user_id "
        "WHERE u.enabled = 1 AND d.department != '' ORDER BY d.department");
    std::vector<std::string> out;
    while (st.step()) out.push_back(st.str(0));
    return out;
}

}  // namespace medbox::console::store
