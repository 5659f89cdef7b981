#pragma once
// /api/v1/users: staff account administration (admin only). Created by
// registerRoutes(), lives as long as the router; stateless, any worker thread.
#include "domain/Accounts.h"
#include "http/Request.h"

namespace medbox::console {

class UserHandlers {
public:
    explicit UserHandlers(Accounts& accounts) : accounts_(accounts) {}

    void list(Request& req, Reply& reply);
    void get(Request& req, Reply& reply);
    void create(Request& req, Reply& reply);
    void update(Request& req, Reply& reply);
    void resetPassword(Request& req, Reply& reply);
    void unlock(Request& req, Reply& reply);

private:
    Accounts& accounts_;
};

}  // namespace medbox::console
