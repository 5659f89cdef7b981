#pragma once
// Find-or-404: the one wording of "no such resource" for every service's
// domain code ("appointment 42 does not exist", 404 not_found).
//   Department d = orNotFound(store::findDepartment(c, id), "department", id);
#include "core/error/AppError.h"
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace medbox {

// The message orNotFound() throws with.
inline std::string notFoundMessage(std::string_view what, int64_t id) {
    return std::string(what) + " " + std::to_string(id) + " does not exist";
}

// The value, or AppError(Err::NotFound) naming what was looked for.
template <class T>
T orNotFound(std::optional<T>&& found, std::string_view what, int64_t id) {
    if (!found) throw AppError(Err::NotFound, notFoundMessage(what, id));
    return std::move(*found);
}

}  // namespace medbox
