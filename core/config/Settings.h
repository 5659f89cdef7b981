#pragma once
// Validated configuration. Layers, highest first: command line (--set key=value),
// environment (MEDBOX_HTTP__PORT -> http.port: "__" separates levels, the rest
// is lower-cased), the configuration file (--config=FILE, .properties/.ini/.json),
// then the default given at each read. A bad value or a key nobody reads is a
// fatal ConfigError naming the key path, so typos are caught at start.
// Owned by the service; read during start-up, then read-only (thread-safe reads).
#include <Poco/AutoPtr.h>
#include <Poco/Exception.h>
#include <Poco/Util/LayeredConfiguration.h>
#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace medbox {

POCO_DECLARE_EXCEPTION(, ConfigError, Poco::Exception)

class Settings {
public:
    Settings();
    // Loads layers. envPrefix is normally "MEDBOX_"; overrides are "key=value".
    void loadFile(const std::string& path);
    void loadEnvironment(char** environ, const std::string& prefix = "MEDBOX_");
    void set(const std::string& key, const std::string& value);  // command line layer

    std::string str(const std::string& key, const std::string& def) const;
    // A string that must not be empty.
    std::string required(const std::string& key) const;
    int64_t integer(const std::string& key, int64_t def, int64_t min, int64_t max) const;
    bool flag(const std::string& key, bool def) const;
    // One of the allowed words.
    std::string choice(const std::string& key, const std::string& def, const std::vector<std::string>& allowed) const;
    bool has(const std::string& key) const;
    // Keys below a prefix, e.g. children("outbox.destinations") -> {"portal", "hisbridge"}.
    std::vector<std::string> children(const std::string& prefix) const;

    // Throws ConfigError for a key set in the file/environment/command line that
    // no code has read (a typo or an obsolete key).
    void rejectUnknownKeys() const;

private:
    void markRead(const std::string& key) const;
    Poco::AutoPtr<Poco::Util::LayeredConfiguration> config_;
    std::vector<Poco::AutoPtr<Poco::Util::AbstractConfiguration>> layers_;
    mutable std::mutex readMutex_;
    mutable std::set<std::string> read_;
};

}  // namespace medbox
