#pragma once
// The update page's routes (UpdateRoutes.cpp), registered by registerRoutes().
#include "core/http/Router.h"

namespace medbox::console {

class ConsoleEnv;

void registerUpdateRoutes(Router& router, ConsoleEnv& env);

}  // namespace medbox::console
