#pragma once
// Vendor access routes (VendorRoutes.cpp), registered by registerRoutes().
#include "core/http/Router.h"

namespace medbox::console {

class ConsoleEnv;
class VendorAccess;

void registerVendorRoutes(Router& router, ConsoleEnv& env, VendorAccess& vendor);

}  // namespace medbox::console
