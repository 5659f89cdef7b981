#pragma once
// The helper's update verbs (docs/update.md, "From the console"): the
// console shows the A/B slots and installs a bundle it received, but RAUC
// alone checks the bundle (signature against /etc/rauc/keyring.pem,
// compatible) and writes the other slot. Fixed arguments, no shell:
//   update-status   {}   rauc status --detailed --output-format=json; answers {"status": <rauc's object>}
//   update-install  {}   rauc install Options::updateBundle (the one file name in the console's
//                        upload folder; nothing from the request names a path); answers {"output"}
//   update-reboot   {}   live: systemctl reboot
#include "SetupHelper.h"

#include <Poco/JSON/Object.h>

#include <string>

namespace medbox::setuphelper {

bool isUpdateVerb(const std::string& verb);
Poco::JSON::Object::Ptr handleUpdateVerb(const Options& opt, const std::string& verb,
                                         const Poco::JSON::Object::Ptr& request);

// Empty when `path` is a non-empty regular file (not a symlink) whose name
// ends in .raucb; else the reason.
std::string checkUpdateBundle(const std::string& path);

}  // namespace medbox::setuphelper
