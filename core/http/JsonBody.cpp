#include "core/http/JsonBody.h"

#include "core/error/AppError.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cstdio>

namespace medbox {

namespace {

// Counts code points so limits mean characters, not bytes, for Chinese text.
size_t utf8Length(const std::string& s) {
    return static_cast<size_t>(
        std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

bool validUtf8(const std::string& s) {
    size_t i = 0;
    while (i < s.size()) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        if (n == 0 || i + n > s.size()) return false;
        for (size_t k = 1; k < n; ++k)
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
        i += n;
    }
    return true;
}

bool hasControl(const std::string& s) {
    return std::any_of(s.begin(), s.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t'; });
}

}  // namespace

JsonBody JsonBody::parse(const std::string& text) {
    if (text.empty()) throw AppError(Err::BadRequest, "request body is empty; a JSON object is expected");
    Poco::JSON::Parser parser;
    Poco::Dynamic::Var v;
    try {
        v = parser.parse(text);
    } catch (const Poco::Exception& e) {
        throw AppError(Err::BadRequest, "request body is not valid JSON: " + e.message());
    }
    if (v.type() != typeid(Poco::JSON::Object::Ptr))
        throw AppError(Err::BadRequest, "request body must be a JSON object");
    return JsonBody(v.extract<Poco::JSON::Object::Ptr>());
}

bool isDate(const std::string& s) {
    int y, m, d;
    char tail;
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
    if (std::sscanf(s.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3) return false;
    if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1) return false;
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int max = days[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ? 1 : 0);
    return d <= max && std::all_of(s.begin(), s.end(), [](char c) { return c == '-' || (c >= '0' && c <= '9'); });
}

bool isTimeOfDay(const std::string& s) {
    if (s.size() != 5 || s[2] != ':') return false;
    if (!std::isdigit(static_cast<unsigned char>(s[0])) || !std::isdigit(static_cast<unsigned char>(s[1])) ||
        !std::isdigit(static_cast<unsigned char>(s[3])) || !std::isdigit(static_cast<unsigned char>(s[4])))
        return false;
    int h = (s[0] - '0') * 10 + (s[1] - '0');
    int m = (s[3] - '0') * 10 + (s[4] - '0');
    return h < 24 && m < 60;
}

JsonBody::JsonBody(Poco::JSON::Object::Ptr obj, std::string prefix) : obj_(std::move(obj)), prefix_(std::move(prefix)) {
    if (!obj_) obj_ = new Poco::JSON::Object;
}

void JsonBody::allowOnly(const std::vector<std::string>& fields) const {
    for (const auto& [name, value] : *obj_) {
        if (std::find(fields.begin(), fields.end(), name) == fields.end())
            throw AppError(Err::UnknownField, "field '" + path(name) + "' is not accepted here", path(name));
    }
}

bool JsonBody::has(const std::string& f) const { return obj_->has(f) && !obj_->isNull(f); }

std::optional<std::string> JsonBody::optStr(const std::string& f, size_t maxLen) const {
    if (!has(f)) return std::nullopt;
    auto v = obj_->get(f);
    if (!v.isString()) throw AppError(Err::InvalidField, path(f) + " must be a string", path(f));
    std::string s = v.extract<std::string>();
    if (!validUtf8(s)) throw AppError(Err::InvalidField, path(f) + " is not valid UTF-8", path(f));
    if (hasControl(s)) throw AppError(Err::InvalidField, path(f) + " contains control characters", path(f));
    if (utf8Length(s) > maxLen)
        throw AppError(Err::InvalidField, path(f) + " is longer than " + std::to_string(maxLen) + " characters",
                       path(f));
    return s;
}

std::string JsonBody::str(const std::string& f, size_t maxLen) const {
    auto s = optStr(f, maxLen);
    if (!s) throw AppError(Err::MissingField, path(f) + " is required", path(f));
    if (s->find_first_not_of(" \t\n") == std::string::npos)
        throw AppError(Err::InvalidField, path(f) + " must not be empty", path(f));
    return *s;
}

std::optional<int64_t> JsonBody::optInteger(const std::string& f, int64_t min, int64_t max) const {
    if (!has(f)) return std::nullopt;
    auto v = obj_->get(f);
    if (!v.isInteger() || v.type() == typeid(bool))
        throw AppError(Err::InvalidField, path(f) + " must be an integer", path(f));
    int64_t n = 0;
    try {
        n = v.convert<int64_t>();
    } catch (const Poco::Exception&) {
        throw AppError(Err::InvalidField, path(f) + " is out of range", path(f));
    }
    if (n < min || n > max)
        throw AppError(Err::InvalidField,
                       path(f) + " must be between " + std::to_string(min) + " and " + std::to_string(max), path(f));
    return n;
}

int64_t JsonBody::integer(const std::string& f, int64_t min, int64_t max) const {
    auto n = optInteger(f, min, max);
    if (!n) throw AppError(Err::MissingField, path(f) + " is required", path(f));
    return *n;
}

std::optional<bool> JsonBody::optBoolean(const std::string& f) const {
    if (!has(f)) return std::nullopt;
    auto v = obj_->get(f);
    if (v.type() != typeid(bool)) throw AppError(Err::InvalidField, path(f) + " must be true or false", path(f));
    return v.extract<bool>();
}

bool JsonBody::boolean(const std::string& f) const {
    auto b = optBoolean(f);
    if (!b) throw AppError(Err::MissingField, path(f) + " is required", path(f));
    return *b;
}

std::string JsonBody::oneOf(const std::string& f, const std::vector<std::string>& allowed) const {
    std::string s = str(f, 64);
    if (std::find(allowed.begin(), allowed.end(), s) == allowed.end()) {
        std::string list;
        for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
        throw AppError(Err::InvalidField, path(f) + " must be one of: " + list, path(f));
    }
    return s;
}

std::string JsonBody::date(const std::string& f) const {
    std::string s = str(f, 10);
    if (!isDate(s)) throw AppError(Err::InvalidField, path(f) + " must be a date YYYY-MM-DD", path(f));
    return s;
}

std::string JsonBody::timeOfDay(const std::string& f) const {
    std::string s = str(f, 5);
    if (!isTimeOfDay(s)) throw AppError(Err::InvalidField, path(f) + " must be a time HH:MM", path(f));
    return s;
}

JsonBody JsonBody::object(const std::string& f) const {
    if (!has(f)) throw AppError(Err::MissingField, path(f) + " is required", path(f));
    auto v = obj_->getObject(f);
    if (!v) throw AppError(Err::InvalidField, path(f) + " must be an object", path(f));
    return JsonBody(v, path(f));
}

Poco::JSON::Array::Ptr JsonBody::array(const std::string& f, size_t maxItems) const {
    if (!has(f)) throw AppError(Err::MissingField, path(f) + " is required", path(f));
    auto a = obj_->getArray(f);
    if (!a) throw AppError(Err::InvalidField, path(f) + " must be an array", path(f));
    if (a->size() > maxItems)
        throw AppError(Err::InvalidField, path(f) + " has more than " + std::to_string(maxItems) + " items", path(f));
    return a;
}

}  // namespace medbox
