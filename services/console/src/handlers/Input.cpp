#include "handlers/Input.h"

#include "core/error/AppError.h"

#include <Poco/JSON/Array.h>

namespace medbox::console::input {

std::vector<std::string> strings(const JsonBody& body, const std::string& field, size_t maxItems, size_t maxLen) {
    auto arr = body.array(field, maxItems);
    std::vector<std::string> out;
    for (size_t i = 0; i < arr->size(); ++i) {
        const auto v = arr->get(static_cast<unsigned>(i));
        const std::string path = body.path(field) + "[" + std::to_string(i) + "]";
        if (!v.isString()) throw AppError(Err::InvalidField, path + ": must be a string", path);
        auto s = v.extract<std::string>();
        if (s.empty() || s.size() > maxLen) {
            throw AppError(Err::InvalidField, path + ": 1 to " + std::to_string(maxLen) + " characters", path);
        }
        out.push_back(std::move(s));
    }
    return out;
}

void noBody(Request& req) {
    if (req.body().find_first_not_of(" \t\r\n") == std::string::npos) return;
    req.json().allowOnly({});
}

}  // namespace medbox::console::input
