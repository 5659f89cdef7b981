#pragma once
// GET /api/v1/auth/revocations: the revoked staff tokens, for the other
// services' pollers (core/auth/RevocationPoller.h). Created by
// registerRoutes(), lives as long as the router; stateless, any worker thread.
#include "domain/Revocations.h"
#include "http/Request.h"

namespace medbox::console {

class RevocationHandlers {
public:
    explicit RevocationHandlers(Revocations& revocations) : revocations_(revocations) {}
    void list(Request& req, Reply& reply);

private:
    Revocations& revocations_;
};

}  // namespace medbox::console
