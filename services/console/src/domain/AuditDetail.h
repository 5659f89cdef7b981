#pragma once
// The console's audit vocabulary: actor and target names, and a row's detail
// as compact JSON text (docs/audit.md): ids, counts and reasons only; never a
// password, never a display name.
#include "core/http/JsonText.h"
#include <Poco/JSON/Object.h>
#include <initializer_list>
#include <string>
#include <utility>

namespace medbox::console {

// The audit actor of a staff member acting on their own account.
inline std::string staffActor(const std::string& username) { return "staff:" + username; }
// The audit target of an account.
inline std::string userTarget(const std::string& username) { return "user:" + username; }

inline std::string detail(std::initializer_list<std::pair<const char*, Poco::Dynamic::Var>> fields) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    for (const auto& [k, v] : fields) o->set(k, v);
    return medbox::json::text(o);
}

}  // namespace medbox::console
