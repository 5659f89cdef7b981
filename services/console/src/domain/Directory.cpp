#include "domain/Directory.h"

#include "core/error/AppError.h"
#include "core/error/OrNotFound.h"
#include "domain/AccountRules.h"
#include "domain/AuditDetail.h"
#include "store/UserStore.h"

#include <Poco/JSON/Array.h>

#include <algorithm>

namespace medbox::console {

namespace {

std::string trim(const std::string& s) {
    const auto first = s.find_first_not_of(" \t");
    if (first == std::string::npos) return {};
    return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

void checkFields(const DirectoryFields& f) {
    rules::require(rules::checkText(f.department, 64, true), "department");
    rules::require(rules::checkText(f.title, 64, true), "title");
    rules::require(rules::checkText(f.skills, 500, true), "skills");
    const bool dialable = f.extension.size() <= 20 && std::all_of(f.extension.begin(), f.extension.end(), [](char c) {
                              return (c >= '0' && c <= '9') || c == '-' || c == '#' || c == '*';
                          });
    rules::require(dialable ? "" : "at most 20 of 0-9, '-', '#', '*'", "extension");
}

}  // namespace

Directory::Page Directory::search(const std::string& text, const std::string& department, int offset, int limit) const {
    rules::require(rules::checkText(text, kMaxQueryChars, true), "q");
    rules::require(rules::checkText(department, 64, true), "department");
    Page page;
    // One more than asked says whether a next page exists.
    page.entries = env_.db.read(
        [&](db::Connection& c) { return store::searchDirectory(c, trim(text), trim(department), offset, limit + 1); });
    if (static_cast<int>(page.entries.size()) > limit) {
        page.entries.pop_back();
        page.more = true;
    }
    return page;
}

std::vector<std::string> Directory::departments() const {
    return env_.db.read([](db::Connection& c) { return store::directoryDepartments(c); });
}

DirectoryEntry Directory::get(int64_t userId) const {
    return env_.db.read([&](db::Connection& c) {
        const auto u = orNotFound(store::findUser(c, userId), "user", userId);
        return DirectoryEntry{u.id, u.username, u.displayName, store::directoryFields(c, userId)};
    });
}

DirectoryEntry Directory::update(const std::string& actor, int64_t userId, DirectoryFields f) {
    f = {trim(f.department), trim(f.title), trim(f.skills), trim(f.extension)};
    checkFields(f);
    DirectoryEntry out;
    env_.db.write([&](db::Tx& tx) {
        const auto u = orNotFound(store::findUser(tx.conn(), userId), "user", userId);
        const auto before = store::directoryFields(tx.conn(), userId);
        store::saveDirectoryFields(tx.conn(), userId, f, env_.now());
        // Which fields changed, not their values (docs/audit.md: no free text in the detail).
        Poco::JSON::Array::Ptr changed = new Poco::JSON::Array;
        if (before.department != f.department) changed->add("department");
        if (before.title != f.title) changed->add("title");
        if (before.skills != f.skills) changed->add("skills");
        if (before.extension != f.extension) changed->add("extension");
        Poco::JSON::Object::Ptr d = new Poco::JSON::Object;
        d->set("id", userId);
        d->set("changed", changed);
        env_.effects.auditIn(tx, actor, "user.directory", userTarget(u.username), d);
        out = {u.id, u.username, u.displayName, f};
    });
    return out;
}

}  // namespace medbox::console
