#pragma once
// /api/v1/appliance/units: status of medbox's systemd units and their journal
// lines (admin, auditor), start/stop/restart (admin). Parses and renders; the
// rules are in domain/Units. Created by registerRoutes(), lives as long as
// the router; stateless, any worker thread.
#include "domain/Units.h"
#include "http/Request.h"

namespace medbox::console {

class UnitHandlers {
public:
    explicit UnitHandlers(Units& units) : units_(units) {}

    void list(Request& req, Reply& reply);
    void get(Request& req, Reply& reply);
    void start(Request& req, Reply& reply) { act(req, reply, UnitVerb::Start); }
    void stop(Request& req, Reply& reply) { act(req, reply, UnitVerb::Stop); }
    void restart(Request& req, Reply& reply) { act(req, reply, UnitVerb::Restart); }

private:
    void act(Request& req, Reply& reply, UnitVerb verb);
    Units& units_;
};

}  // namespace medbox::console
