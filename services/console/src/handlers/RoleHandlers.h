#pragma once
// GET /api/v1/roles: the fixed role catalogue, for the console's user form.
#include "http/Request.h"

namespace medbox::console::roles {

void list(Request& req, Reply& reply);

}  // namespace medbox::console::roles
