#include "core/config/Settings.h"

#include <Poco/Util/IniFileConfiguration.h>
#include <Poco/Util/JSONConfiguration.h>
#include <Poco/Util/MapConfiguration.h>
#include <Poco/Util/PropertyFileConfiguration.h>
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <map>

namespace medbox {

POCO_IMPLEMENT_EXCEPTION(ConfigError, Poco::Exception, "Configuration error")

namespace {

// Precedence of the layers in the LayeredConfiguration: a lower number wins.
constexpr int kCommandLinePriority = 0;
constexpr int kEnvironmentPriority = 10;
constexpr int kFirstFilePriority = 100;  // a later file gets a smaller number, so it wins
constexpr int kMaxFiles = 50;

// Wraps one source of settings and remembers where it came from, so that
// rejectUnknownKeys() can tell the operator which file or variable to fix.
// Delegates through the public API of the wrapped configuration.
class SourceLayer : public Poco::Util::AbstractConfiguration {
public:
    SourceLayer(Poco::Util::AbstractConfiguration::Ptr inner, std::string origin, int priority)
        : inner_(std::move(inner)), origin_(std::move(origin)), priority_(priority) {}

    // Human-readable origin of a key in this layer.
    std::string originOf(const std::string& key) const {
        auto it = envNames_.find(key);
        if (it != envNames_.end()) return "environment " + it->second;
        return origin_;
    }
    int priority() const { return priority_; }
    void setFromEnvironment(const std::string& key, const std::string& value, const std::string& var) {
        inner_->setString(key, value);
        envNames_[key] = var;
    }
    // Every key that holds a value and has no children.
    void leafKeys(const std::string& prefix, std::vector<std::string>& out) const {
        Keys children;
        inner_->keys(prefix, children);
        if (children.empty()) {
            if (!prefix.empty()) out.push_back(prefix);
            return;
        }
        for (const auto& c : children) {
            // Poco gives the empty part of ".a" or "a..b" as an empty child,
            // which recursed until the stack overflowed (found by core/config/fuzz).
            if (c.empty())
                throw ConfigError("a configuration key with an empty part" +
                                  (prefix.empty() ? std::string() : " below '" + prefix + "'") + " (from " + origin_ +
                                  ")");
            leafKeys(prefix.empty() ? c : prefix + "." + c, out);
        }
    }

protected:
    bool getRaw(const std::string& key, std::string& value) const override {
        if (!inner_->hasProperty(key)) return false;
        value = inner_->getRawString(key);
        return true;
    }
    void setRaw(const std::string& key, const std::string& value) override { inner_->setString(key, value); }
    void enumerate(const std::string& key, Keys& range) const override { inner_->keys(key, range); }

private:
    Poco::Util::AbstractConfiguration::Ptr inner_;
    std::string origin_;
    int priority_;
    std::map<std::string, std::string> envNames_;
};

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string joinWords(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) {
        if (!out.empty()) out += ", ";
        out += w;
    }
    return out;
}

bool validKey(const std::string& key) {
    if (key.empty() || key.front() == '.' || key.back() == '.') return false;
    return key.find("..") == std::string::npos;
}

}  // namespace

Settings::Settings() : config_(new Poco::Util::LayeredConfiguration) {}

void Settings::loadFile(const std::string& path) {
    const auto dot = path.rfind('.');
    const auto slash = path.rfind('/');
    std::string ext = (dot == std::string::npos || (slash != std::string::npos && dot < slash))
                          ? ""
                          : lower(path.substr(dot));
    if (ext != ".properties" && ext != ".ini" && ext != ".json") {
        throw ConfigError("configuration file '" + path + "': unknown extension '" + ext +
                          "' (expected .properties, .ini or .json)");
    }
    {
        // Poco's loaders report a missing file with a vague message; check first
        // so the operator sees the path and the system's reason.
        std::ifstream probe(path);
        if (!probe) throw ConfigError("cannot read configuration file '" + path + "': " + std::strerror(errno));
    }
    Poco::Util::AbstractConfiguration::Ptr loaded;
    try {
        if (ext == ".properties")
            loaded = new Poco::Util::PropertyFileConfiguration(path);
        else if (ext == ".ini")
            loaded = new Poco::Util::IniFileConfiguration(path);
        else
            loaded = new Poco::Util::JSONConfiguration(path);
    } catch (const Poco::Exception& e) {
        throw ConfigError("configuration file '" + path + "': " + e.displayText());
    }
    int files = 0;
    for (auto& l : layers_) {
        auto* s = dynamic_cast<SourceLayer*>(l.get());
        if (s && s->priority() >= kFirstFilePriority - kMaxFiles) ++files;
    }
    if (files >= kMaxFiles) throw ConfigError("configuration file '" + path + "': too many configuration files");
    const int priority = kFirstFilePriority - files;
    Poco::AutoPtr<SourceLayer> layer(new SourceLayer(loaded, "file " + path, priority));
    config_->add(layer, "file:" + path, priority, false);
    layers_.emplace_back(layer);
}

void Settings::loadEnvironment(char** env, const std::string& prefix) {
    if (!env) return;
    Poco::AutoPtr<SourceLayer> layer;
    for (auto& l : layers_) {
        auto* s = dynamic_cast<SourceLayer*>(l.get());
        if (s && s->priority() == kEnvironmentPriority) layer = Poco::AutoPtr<SourceLayer>(s, true);
    }
    const bool fresh = layer.isNull();
    if (fresh) layer = new SourceLayer(new Poco::Util::MapConfiguration, "environment", kEnvironmentPriority);
    for (char** p = env; *p; ++p) {
        std::string_view entry(*p);
        auto eq = entry.find('=');
        if (eq == std::string_view::npos) continue;
        std::string name(entry.substr(0, eq));
        if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) continue;
        std::string rest = name.substr(prefix.size());
        // Every key has a section (http.port), so a variable without "__"
        // (MEDBOX_BUILD_DIR, used by scripts) is not configuration.
        if (rest.find("__") == std::string::npos) continue;
        std::string key;
        for (size_t i = 0; i < rest.size(); ++i) {
            if (rest[i] == '_' && i + 1 < rest.size() && rest[i + 1] == '_') {
                key += '.';
                ++i;
            } else {
                key += static_cast<char>(std::tolower(static_cast<unsigned char>(rest[i])));
            }
        }
        if (!validKey(key)) {
            throw ConfigError("environment variable " + name + " does not name a configuration key (use " + prefix +
                              "SECTION__KEY)");
        }
        layer->setFromEnvironment(key, std::string(entry.substr(eq + 1)), name);
    }
    if (fresh) {
        config_->add(layer, "environment", kEnvironmentPriority, false);
        layers_.emplace_back(layer);
    }
}

void Settings::set(const std::string& key, const std::string& value) {
    if (!validKey(key))
        throw ConfigError("command line: '" + key + "' is not a configuration key (use --set key=value)");
    Poco::AutoPtr<SourceLayer> layer;
    for (auto& l : layers_) {
        auto* s = dynamic_cast<SourceLayer*>(l.get());
        if (s && s->priority() == kCommandLinePriority) layer = Poco::AutoPtr<SourceLayer>(s, true);
    }
    if (layer.isNull()) {
        layer = new SourceLayer(new Poco::Util::MapConfiguration, "command line", kCommandLinePriority);
        config_->add(layer, "command line", kCommandLinePriority, false);
        layers_.emplace_back(layer);
    }
    layer->setString(key, value);
}

void Settings::markRead(const std::string& key) const {
    std::lock_guard<std::mutex> lock(readMutex_);
    read_.insert(key);
    // A JSON array is one key ("tls.names"); reading an element of it
    // ("tls.names[0]") is a use of that key.
    auto bracket = key.find('[');
    if (bracket != std::string::npos && bracket > 0) read_.insert(key.substr(0, bracket));
}

// Values are taken raw: Poco's ${...} expansion would rewrite a secret that
// happens to contain "${", and we have no use for cross-references.
std::string Settings::str(const std::string& key, const std::string& def) const {
    markRead(key);
    return config_->getRawString(key, def);
}

std::string Settings::required(const std::string& key) const {
    markRead(key);
    std::string v = config_->getRawString(key, "");
    if (v.empty()) {
        std::string env = "MEDBOX_";
        for (char c : key) {
            if (c == '.')
                env += "__";
            else
                env += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
        throw ConfigError(key + ": expected a non-empty value, none set (configuration file, environment " + env +
                          " or --set " + key + "=...)");
    }
    return v;
}

int64_t Settings::integer(const std::string& key, int64_t def, int64_t min, int64_t max) const {
    markRead(key);
    auto describe = [&] {
        return key + ": expected an integer from " + std::to_string(min) + " to " + std::to_string(max);
    };
    if (!config_->hasProperty(key)) {
        if (def < min || def > max)
            throw ConfigError(describe() + ", the built-in default " + std::to_string(def) + " is not");
        return def;
    }
    const std::string v = config_->getRawString(key);
    int64_t out = 0;
    const char* first = v.data();
    const char* last = v.data() + v.size();
    if (first != last && *first == '+') ++first;  // "+5" is a reasonable way to write 5
    auto [ptr, ec] = std::from_chars(first, last, out);
    if (v.empty() || ec != std::errc() || ptr != last || out < min || out > max) {
        throw ConfigError(describe() + ", got '" + v + "'");
    }
    return out;
}

bool Settings::flag(const std::string& key, bool def) const {
    markRead(key);
    if (!config_->hasProperty(key)) return def;
    const std::string v = config_->getRawString(key);
    const std::string l = lower(v);
    if (l == "true" || l == "yes" || l == "on" || l == "1") return true;
    if (l == "false" || l == "no" || l == "off" || l == "0") return false;
    throw ConfigError(key + ": expected true or false, got '" + v + "'");
}

std::string Settings::choice(const std::string& key, const std::string& def,
                             const std::vector<std::string>& allowed) const {
    markRead(key);
    const std::string v = config_->getRawString(key, def);
    if (std::find(allowed.begin(), allowed.end(), v) == allowed.end()) {
        throw ConfigError(key + ": expected one of " + joinWords(allowed) + ", got '" + v + "'");
    }
    return v;
}

bool Settings::has(const std::string& key) const {
    // Asking whether a key is set is a use of it: its presence means something.
    markRead(key);
    return config_->hasProperty(key);
}

std::vector<std::string> Settings::children(const std::string& prefix) const {
    Poco::Util::AbstractConfiguration::Keys keys;
    config_->keys(prefix, keys);
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    return keys;
}

void Settings::rejectUnknownKeys() const {
    // Highest-precedence origin of each key that was set somewhere.
    std::map<std::string, std::pair<int, std::string>> origins;
    for (const auto& l : layers_) {
        const auto* s = dynamic_cast<const SourceLayer*>(l.get());
        if (!s) continue;
        std::vector<std::string> leaves;
        s->leafKeys("", leaves);
        for (const auto& k : leaves) {
            auto it = origins.find(k);
            if (it == origins.end() || s->priority() < it->second.first) origins[k] = {s->priority(), s->originOf(k)};
        }
    }
    std::string problems;
    {
        std::lock_guard<std::mutex> lock(readMutex_);
        for (const auto& [key, origin] : origins) {
            if (read_.count(key)) continue;
            if (!problems.empty()) problems += "; ";
            problems += "unknown configuration key '" + key + "' (from " + origin.second + ")";
        }
    }
    if (!problems.empty()) throw ConfigError(problems);
}

}  // namespace medbox
