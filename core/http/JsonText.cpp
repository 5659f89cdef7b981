#include "core/http/JsonText.h"

#include <Poco/JSON/Stringifier.h>

#include <charconv>
#include <sstream>

namespace medbox::json {

namespace {

void appendValue(std::string& out, const Poco::Dynamic::Var& v);

void appendObject(std::string& out, const Poco::JSON::Object& obj) {
    out += '{';
    bool first = true;
    for (const std::string& name : obj.getNames()) {  // insertion order when the object preserves it
        if (!first) out += ',';
        first = false;
        appendString(out, name);
        out += ':';
        appendValue(out, obj.get(name));
    }
    out += '}';
}

void appendArray(std::string& out, const Poco::JSON::Array& arr) {
    out += '[';
    for (size_t i = 0; i < arr.size(); ++i) {
        if (i) out += ',';
        appendValue(out, arr.get(static_cast<unsigned>(i)));
    }
    out += ']';
}

template <class T>
void appendNumber(std::string& out, T n) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
    out.append(buf, end);
}

void appendValue(std::string& out, const Poco::Dynamic::Var& v) {
    if (v.isEmpty()) {
        out += "null";
        return;
    }
    const std::type_info& t = v.type();
    if (t == typeid(std::string)) {
        appendString(out, v.extract<std::string>());
    } else if (t == typeid(Poco::JSON::Object::Ptr)) {
        const auto& p = v.extract<Poco::JSON::Object::Ptr>();
        if (p)
            appendObject(out, *p);
        else
            out += "null";
    } else if (t == typeid(Poco::JSON::Array::Ptr)) {
        const auto& p = v.extract<Poco::JSON::Array::Ptr>();
        if (p)
            appendArray(out, *p);
        else
            out += "null";
    } else if (t == typeid(bool)) {
        out += v.extract<bool>() ? "true" : "false";
    } else if (v.isInteger()) {
        if (v.isSigned())
            appendNumber(out, v.convert<Poco::Int64>());
        else
            appendNumber(out, v.convert<Poco::UInt64>());
    } else {
        // Doubles, nested objects held by value, anything else: Poco's own rules.
        std::ostringstream os;
        Poco::JSON::Stringifier::stringify(v, os);
        out += os.str();
    }
}

}  // namespace

void appendString(std::string& out, std::string_view s) {
    static constexpr char hex[] = "0123456789abcdef";
    out += '"';
    size_t plain = 0;  // start of the run of characters copied as they are
    for (size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        out.append(s, plain, i - plain);
        plain = i + 1;
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                out += "\\u00";
                out += hex[c >> 4];
                out += hex[c & 0x0f];
        }
    }
    out.append(s.substr(plain));
    out += '"';
}

void ObjectWriter::key(std::string_view k) {
    if (out_.size() > 1) out_ += ',';
    appendString(out_, k);
    out_ += ':';
}

ObjectWriter& ObjectWriter::string(std::string_view k, std::string_view value) {
    key(k);
    appendString(out_, value);
    return *this;
}

ObjectWriter& ObjectWriter::number(std::string_view k, int64_t value) {
    key(k);
    appendNumber(out_, value);
    return *this;
}

ObjectWriter& ObjectWriter::boolean(std::string_view k, bool value) {
    key(k);
    out_ += value ? "true" : "false";
    return *this;
}

ObjectWriter& ObjectWriter::null(std::string_view k) {
    key(k);
    out_ += "null";
    return *this;
}

ObjectWriter& ObjectWriter::raw(std::string_view k, std::string_view json) {
    key(k);
    out_ += json;
    return *this;
}

std::string ObjectWriter::done() {
    out_ += '}';
    return std::move(out_);
}

std::string text(const Poco::JSON::Object::Ptr& obj) {
    std::string out;
    out.reserve(512);
    if (obj)
        appendObject(out, *obj);
    else
        out = "null";
    return out;
}

std::string text(const Poco::JSON::Array::Ptr& arr) {
    std::string out;
    out.reserve(512);
    if (arr)
        appendArray(out, *arr);
    else
        out = "null";
    return out;
}

}  // namespace medbox::json
