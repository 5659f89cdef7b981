#pragma once
// The one place the console's routes and their Access are declared
// (Routes.cpp). Every route appears in web/openapi.json.
#include "core/http/Router.h"

namespace medbox {
class Metrics;
}

namespace medbox::console {

class ConsoleEnv;
class Accounts;
class Revocations;
class Units;
class ResourceSamples;
class PeerStatus;
class VendorAccess;

// Registers every console route with its Access. The arguments live until
// exit (ConsoleApp owns them); the handlers are kept alive by the routes.
void registerRoutes(Router& router, ConsoleEnv& env, Metrics& metrics, Accounts& accounts, Revocations& revocations,
                    Units& units, ResourceSamples& samples, PeerStatus& peers, VendorAccess& vendor);

}  // namespace medbox::console
