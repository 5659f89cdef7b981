#pragma once

#include "Address.h"
#include "ConfigError.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace medbox::firewall {

std::string childPath(const std::string& parent, std::string_view key);
std::string indexPath(const std::string& parent, std::size_t index);

// Typed, path-aware access to a parsed JSON document. Every accessor records
// an error (with the key path) instead of throwing, and returns "nothing" so
// that parsing goes on and the administrator sees every mistake at once.
// Owned by one parse call; not thread-safe.
class ConfigReader {
public:
    // Upper bound on every list in the file: a firewall profile with more
    // entries than this is a mistake, and the bound keeps rulesets small.
    static constexpr std::size_t kMaxListItems = 64;

    explicit ConfigReader(std::vector<ConfigError>& errors) : errors_(errors) {}

    void fail(const std::string& path, std::string message);

    Poco::JSON::Object::Ptr object(const Poco::Dynamic::Var& value, const std::string& path);
    Poco::JSON::Array::Ptr array(const Poco::Dynamic::Var& value, const std::string& path);
    void rejectUnknownKeys(const Poco::JSON::Object& object, const std::string& path,
                           std::initializer_list<std::string_view> known);

    std::optional<std::string> string(const Poco::Dynamic::Var& value, const std::string& path);
    std::optional<std::uint16_t> port(const Poco::Dynamic::Var& value, const std::string& path);
    std::optional<Cidr> cidr(const Poco::Dynamic::Var& value, const std::string& path);
    // A single address: a network with a shorter prefix is refused.
    std::optional<Cidr> host(const Poco::Dynamic::Var& value, const std::string& path);

    std::vector<std::uint16_t> ports(const Poco::Dynamic::Var& value, const std::string& path);
    // Also refuses networks that overlap each other: nftables cannot put both
    // in one set, and the overlap is almost always a typing mistake.
    std::vector<Cidr> cidrs(const Poco::Dynamic::Var& value, const std::string& path);
    std::vector<std::string> strings(const Poco::Dynamic::Var& value, const std::string& path);

private:
    std::vector<ConfigError>& errors_;
};

}  // namespace medbox::firewall
