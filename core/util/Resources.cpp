#include "core/util/Resources.h"

namespace medbox::resources {

const Resource* find(const std::vector<Resource>& all, std::string_view name) {
    for (const auto& r : all)
        if (r.name == name) return &r;
    return nullptr;
}

}  // namespace medbox::resources
