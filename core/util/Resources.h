#pragma once
// Files compiled into a service binary by medbox_embed() (cmake/medbox.cmake):
// migrations, web pages, openapi.json. Names are relative to the service folder.
// Each service reaches its own list through the generated
// medbox::<service>::embeddedFiles() (<service>/EmbeddedFiles.h); the core
// only receives a list (ServiceApp::resources(), db::migrationsFrom()).
#include <string_view>
#include <vector>

namespace medbox::resources {

struct Resource {
    std::string_view name;
    std::string_view bytes;
    // The bytes gzipped at build time (gzip -9 -n), empty when it did not
    // pay (small or already compressed files): web pages are served from it.
    std::string_view gzip{};
};

// Looks a name up in a list; nullptr when absent.
const Resource* find(const std::vector<Resource>& all, std::string_view name);

}  // namespace medbox::resources
