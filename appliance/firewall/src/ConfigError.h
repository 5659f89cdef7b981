#pragma once

#include <string>
#include <vector>

namespace medbox::firewall {

// One problem found in the configuration file. `path` is the key path in the
// file ("lan.peers[1].tcp[0]"), so the administrator knows where to look.
struct ConfigError {
    std::string path;
    std::string message;
};

// "path: message" lines, one per error.
std::string formatErrors(const std::vector<ConfigError>& errors);

}  // namespace medbox::firewall
