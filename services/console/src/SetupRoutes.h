#pragma once
// The setup wizard's routes (SetupRoutes.cpp), registered by registerRoutes().
#include "core/http/Router.h"

namespace medbox::console {

class ConsoleEnv;

void registerSetupRoutes(Router& router, ConsoleEnv& env);

}  // namespace medbox::console
