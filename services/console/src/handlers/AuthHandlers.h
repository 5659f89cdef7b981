#pragma once
// /api/v1/auth/* and /api/v1/me: what a staff member does with their own
// account and token. Created by registerRoutes(), lives as long as the router; called
// from worker threads (no state besides counters).
#include "domain/Accounts.h"
#include "domain/Revocations.h"
#include "http/Request.h"
#include "metrics/Metrics.h"
#include "service/ServiceContext.h"

namespace medbox::console {

class AuthHandlers {
public:
    AuthHandlers(ServiceContext& ctx, Accounts& accounts, Revocations& revocations);

    void login(Request& req, Reply& reply);
    void refresh(Request& req, Reply& reply);
    void changePassword(Request& req, Reply& reply);
    void logout(Request& req, Reply& reply);
    void enrollTotp(Request& req, Reply& reply);
    void confirmTotp(Request& req, Reply& reply);
    void me(Request& req, Reply& reply);

private:
    const std::string& subject(const Request& req) const;

    ServiceContext& ctx_;
    Accounts& accounts_;
    Revocations& revocations_;
    Counter& loginOk_;
    Counter& loginFailed_;
    Counter& loginLocked_;
};

}  // namespace medbox::console
