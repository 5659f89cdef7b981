#pragma once
// The one place the hisbridge service's routes are registered (Routes.cpp).
#include "core/http/Router.h"

namespace medbox::hisbridge {

class HisbridgeEnv;

// Registers every route with its Access; env lives until exit.
void registerRoutes(Router& router, HisbridgeEnv& env);

}  // namespace medbox::hisbridge
