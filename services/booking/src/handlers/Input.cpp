#include "handlers/Input.h"
#include "domain/Rules.h"
#include "core/error/AppError.h"
#include <Poco/JSON/Object.h>

namespace medbox::booking::input {

namespace {

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return {};
    const auto e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
}

void rejectControl(const std::string& s, const std::string& field) {
    for (char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
            throw AppError(Err::InvalidField, field + " holds control characters", field);
    }
}

}  // namespace

Caller caller(const Request& rq) {
    Caller c;
    c.actor = rq.actor();
    const auto& p = rq.principal();
    c.portal = p && p->kind == Principal::Kind::Service && p->subject == "portal";
    return c;
}

JsonBody optionalBody(Request& rq) {
    if (trim(rq.body()).empty()) return JsonBody(new Poco::JSON::Object);
    return rq.json();
}

std::string room(const Request& rq) {
    const std::string& r = rq.param("room");
    if (!isRoomCode(r)) throw AppError(Err::NotFound, "no such room: a room code is 1-32 of A-Z a-z 0-9 - _ .", "room");
    return r;
}

std::optional<std::string> date(const Request& rq, const std::string& name) {
    auto v = rq.query(name);
    if (!v) return std::nullopt;
    if (!isDate(*v)) throw AppError(Err::InvalidField, name + " must be a real date YYYY-MM-DD", name);
    return v;
}

std::optional<int64_t> id(const Request& rq, const std::string& name) { return rq.queryInt(name, 1, INT64_MAX); }

bool flag(const Request& rq, const std::string& name) {
    auto v = rq.query(name);
    if (!v) return false;
    if (*v == "true" || *v == "1") return true;
    if (*v == "false" || *v == "0") return false;
    throw AppError(Err::InvalidField, name + " must be true or false", name);
}

std::string text(const JsonBody& b, const std::string& field, size_t maxLen) {
    auto v = b.optStr(field, maxLen);
    if (!v) return {};
    std::string t = trim(*v);
    rejectControl(t, b.path(field));
    return t;
}

std::string requiredText(const JsonBody& b, const std::string& field, size_t maxLen) {
    std::string t = trim(b.str(field, maxLen));
    if (t.empty()) throw AppError(Err::MissingField, b.path(field) + " must not be blank", b.path(field));
    rejectControl(t, b.path(field));
    return t;
}

}  // namespace medbox::booking::input
