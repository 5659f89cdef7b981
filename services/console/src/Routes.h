#pragma once
// The console's route table: the one place its routes and their Access are
// declared (Routes.cpp). Every route appears in web/openapi.json.
#include "ConsoleConfig.h"
#include "http/Router.h"
#include "service/ServiceContext.h"
#include <memory>

namespace medbox::console {

class Accounts;
class Revocations;
class RevocationHandlers;
class AuthHandlers;
class UserHandlers;
class AuditHandlers;
class Units;
class UnitHandlers;

// What the registered handlers refer to; the application keeps it alive as
// long as the router.
struct RouteState {
    RouteState();
    ~RouteState();
    std::unique_ptr<Revocations> revocations;
    std::unique_ptr<Accounts> accounts;
    std::unique_ptr<AuthHandlers> auth;
    std::unique_ptr<RevocationHandlers> revocationHandlers;
    std::unique_ptr<UserHandlers> users;
    std::unique_ptr<AuditHandlers> audit;
    std::unique_ptr<Units> units;
    std::unique_ptr<UnitHandlers> unitHandlers;
};

// Registers every console route on the router, handing them `revocations`,
// `accounts` (which uses it) and `units` (appliance control,
// domain/Units.h). Without `units`: the real systemd (over the system bus,
// connected per request, never at start).
std::unique_ptr<RouteState> registerRoutes(Router& router, ServiceContext& ctx, std::unique_ptr<Revocations> revocations,
                                           std::unique_ptr<Accounts> accounts);
std::unique_ptr<RouteState> registerRoutes(Router& router, ServiceContext& ctx, std::unique_ptr<Revocations> revocations,
                                           std::unique_ptr<Accounts> accounts, std::unique_ptr<Units> units);

}  // namespace medbox::console
