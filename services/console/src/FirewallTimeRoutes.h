#pragma once
// The firewall page's and the time panel's routes (FirewallTimeRoutes.cpp),
// registered by registerRoutes().
#include "core/http/Router.h"

namespace medbox::console {

class ConsoleEnv;

void registerFirewallTimeRoutes(Router& router, ConsoleEnv& env);

}  // namespace medbox::console
