#pragma once
// The one place the @name@ service's routes are registered (Routes.cpp).
#include "core/http/Router.h"

namespace medbox::@name@ {

class @Name@Env;

// Registers every route with its Access; env lives until exit.
void registerRoutes(Router& router, @Name@Env& env);

}  // namespace medbox::@name@
