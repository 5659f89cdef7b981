#pragma once
// GET /api/v1/audit and /api/v1/audit/verify: the console's own audit log for
// auditors and admins. Created by registerRoutes(), lives as long as the
// router; stateless, any worker thread.
#include "http/Request.h"
#include "service/ServiceContext.h"

namespace medbox::console {

class AuditHandlers {
public:
    explicit AuditHandlers(ServiceContext& ctx) : ctx_(ctx) {}
    void list(Request& req, Reply& reply);
    void verify(Request& req, Reply& reply);

private:
    ServiceContext& ctx_;
};

}  // namespace medbox::console
