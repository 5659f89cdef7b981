#include "core/http/Access.h"

namespace medbox {

bool Access::admits(const Principal& p) const {
    if (public_) return true;
    if (p.kind == Principal::Kind::Service)
        return std::find(services_.begin(), services_.end(), p.subject) != services_.end();
    for (const auto& r : roles_)
        if (r == "*" || p.hasRole(r)) return true;
    return false;
}

std::string Access::describe() const {
    if (public_) return "anyone";
    std::string out;
    auto list = [&](const char* label, const std::vector<std::string>& v) {
        if (v.empty()) return;
        if (!out.empty()) out += ' ';
        out += label;
        for (size_t i = 0; i < v.size(); ++i) out += (i ? "|" : "") + v[i];
    };
    list("staff:", roles_);
    list("service:", services_);
    return out;
}

}  // namespace medbox
