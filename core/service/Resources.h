#pragma once
// Files compiled into a service binary by medbox_embed() (cmake/medbox.cmake):
// migrations, web pages, openapi.json. Names are relative to the service folder.
#include <string_view>
#include <vector>

namespace medbox::resources {

struct Resource {
    std::string_view name;
    std::string_view bytes;
};

// One accessor per service, generated at build time, e.g. booking().
const std::vector<Resource>& booking();
const std::vector<Resource>& console();
const std::vector<Resource>& portal();
const std::vector<Resource>& hisbridge();
const std::vector<Resource>& alerting();
const std::vector<Resource>& servicedesk();

// Looks a name up in a list; nullptr when absent.
const Resource* find(const std::vector<Resource>& all, std::string_view name);

}  // namespace medbox::resources
