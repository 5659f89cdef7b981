#include "ConfigReader.h"

#include <Poco/Exception.h>

#include <algorithm>

namespace medbox::firewall {

using Poco::Dynamic::Var;

std::string childPath(const std::string& parent, std::string_view key) {
    return parent.empty() ? std::string(key) : parent + "." + std::string(key);
}

std::string indexPath(const std::string& parent, std::size_t index) {
    return parent + "[" + std::to_string(index) + "]";
}

std::string formatErrors(const std::vector<ConfigError>& errors) {
    std::string out;
    for (const auto& e : errors) out += (e.path.empty() ? "(file)" : e.path) + ": " + e.message + "\n";
    return out;
}

void ConfigReader::fail(const std::string& path, std::string message) { errors_.push_back({path, std::move(message)}); }

Poco::JSON::Object::Ptr ConfigReader::object(const Var& value, const std::string& path) {
    if (value.type() == typeid(Poco::JSON::Object::Ptr)) return value.extract<Poco::JSON::Object::Ptr>();
    fail(path, "must be an object");
    return nullptr;
}

Poco::JSON::Array::Ptr ConfigReader::array(const Var& value, const std::string& path) {
    if (value.type() != typeid(Poco::JSON::Array::Ptr)) {
        fail(path, "must be a list");
        return nullptr;
    }
    auto result = value.extract<Poco::JSON::Array::Ptr>();
    if (result->size() > kMaxListItems) {
        fail(path, "more than " + std::to_string(kMaxListItems) + " entries");
        return nullptr;
    }
    return result;
}

void ConfigReader::rejectUnknownKeys(const Poco::JSON::Object& object, const std::string& path,
                                     std::initializer_list<std::string_view> known) {
    std::vector<std::string> names;
    object.getNames(names);
    for (const auto& name : names) {
        if (std::find(known.begin(), known.end(), name) == known.end()) {
            std::string list;
            for (const auto k : known) list += (list.empty() ? "" : ", ") + std::string(k);
            fail(childPath(path, name), "unknown key (known here: " + list + ")");
        }
    }
}

std::optional<std::string> ConfigReader::string(const Var& value, const std::string& path) {
    if (!value.isString()) {
        fail(path, "must be a string");
        return std::nullopt;
    }
    return value.extract<std::string>();
}

std::optional<std::uint16_t> ConfigReader::port(const Var& value, const std::string& path) {
    // Poco counts booleans as integers; `true` is not port 1.
    if (!value.isInteger() || value.isBoolean()) {
        fail(path, "must be a port number (integer 1-65535)");
        return std::nullopt;
    }
    long long number = 0;
    try {
        number = value.convert<Poco::Int64>();
    } catch (const Poco::RangeException&) {
        number = -1;  // beyond Int64: reported as out of range below
    }
    if (number < 1 || number > 65535) {
        fail(path, "port " + value.toString() + " out of range 1-65535");
        return std::nullopt;
    }
    return static_cast<std::uint16_t>(number);
}

std::optional<Cidr> ConfigReader::cidr(const Var& value, const std::string& path) {
    const auto text = string(value, path);
    if (!text) return std::nullopt;
    std::string error;
    auto parsed = parseCidr(*text, error);
    if (!parsed) fail(path, error);
    return parsed;
}

std::optional<Cidr> ConfigReader::host(const Var& value, const std::string& path) {
    auto parsed = cidr(value, path);
    if (parsed && !parsed->isHost()) {
        fail(path, "must be a single address, not the network " + parsed->text());
        return std::nullopt;
    }
    return parsed;
}

std::vector<std::uint16_t> ConfigReader::ports(const Var& value, const std::string& path) {
    std::vector<std::uint16_t> out;
    const auto list = array(value, path);
    if (!list) return out;
    for (std::size_t i = 0; i < list->size(); ++i) {
        const auto p = port(list->get(static_cast<unsigned>(i)), indexPath(path, i));
        if (!p) continue;
        if (std::find(out.begin(), out.end(), *p) != out.end())
            fail(indexPath(path, i), "port " + std::to_string(*p) + " listed twice");
        else
            out.push_back(*p);
    }
    return out;
}

std::vector<Cidr> ConfigReader::cidrs(const Var& value, const std::string& path) {
    std::vector<Cidr> out;
    std::vector<std::size_t> indexes;
    const auto list = array(value, path);
    if (!list) return out;
    for (std::size_t i = 0; i < list->size(); ++i) {
        const auto c = cidr(list->get(static_cast<unsigned>(i)), indexPath(path, i));
        if (!c) continue;
        bool overlaps = false;
        for (std::size_t j = 0; j < out.size(); ++j) {
            if (out[j].contains(*c) || c->contains(out[j])) {
                fail(indexPath(path, i),
                     c->text() + " overlaps " + indexPath(path, indexes[j]) + " (" + out[j].text() + ")");
                overlaps = true;
                break;
            }
        }
        if (!overlaps) {
            out.push_back(*c);
            indexes.push_back(i);
        }
    }
    return out;
}

std::vector<std::string> ConfigReader::strings(const Var& value, const std::string& path) {
    std::vector<std::string> out;
    const auto list = array(value, path);
    if (!list) return out;
    for (std::size_t i = 0; i < list->size(); ++i)
        if (auto s = string(list->get(static_cast<unsigned>(i)), indexPath(path, i))) out.push_back(*s);
    return out;
}

}  // namespace medbox::firewall
