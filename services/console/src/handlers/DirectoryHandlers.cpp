// The staff directory (docs/console.md, "Staff directory"): parse and render;
// the rules are in domain/Directory.
#include "handlers/Handlers.h"

#include <Poco/JSON/Array.h>

namespace medbox::console {

namespace {

Poco::JSON::Object::Ptr entryJson(const DirectoryEntry& e) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("id", e.userId);
    o->set("username", e.username);
    o->set("displayName", e.displayName);
    o->set("department", e.fields.department);
    o->set("title", e.fields.title);
    o->set("skills", e.fields.skills);
    o->set("extension", e.fields.extension);
    return o;
}

}  // namespace

void Handlers::searchDirectory(Request& req, Reply& reply) {
    const auto offset = static_cast<int>(req.queryInt("offset", 0, 1'000'000).value_or(0));
    const auto limit = static_cast<int>(req.queryInt("limit", 1, Directory::kMaxPage).value_or(50));
    const auto page = directory_.search(req.query("q").value_or(""), req.query("department").value_or(""), offset,
                                        limit);
    Poco::JSON::Array::Ptr entries = new Poco::JSON::Array;
    for (const auto& e : page.entries) entries->add(entryJson(e));
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("entries", entries);
    o->set("nextOffset",
           page.more ? Poco::Dynamic::Var(offset + static_cast<int>(page.entries.size())) : Poco::Dynamic::Var());
    reply.json(o);
}

void Handlers::directoryDepartments(Request&, Reply& reply) {
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const auto& d : directory_.departments()) list->add(d);
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("departments", list);
    reply.json(o);
}

void Handlers::getDirectoryEntry(Request& req, Reply& reply) {
    reply.json(entryJson(directory_.get(req.idParam("id"))));
}

void Handlers::updateDirectoryEntry(Request& req, Reply& reply) {
    auto body = req.json();
    body.allowOnly({"department", "title", "skills", "extension"});
    // Each field is bounded in bytes here (4 bytes a character at most), in
    // characters by the domain.
    DirectoryFields f;
    f.department = body.optStr("department", 64 * 4).value_or("");
    f.title = body.optStr("title", 64 * 4).value_or("");
    f.skills = body.optStr("skills", 500 * 4).value_or("");
    f.extension = body.optStr("extension", 20).value_or("");
    reply.json(entryJson(directory_.update(req.actor(), req.idParam("id"), std::move(f))));
}

}  // namespace medbox::console
