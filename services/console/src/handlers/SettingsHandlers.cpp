// Password rules and lockout settings: /api/v1/settings/password-rules.
// Read by admins and auditors, changed by admins (audited in the domain).
#include "handlers/Handlers.h"
#include "handlers/Views.h"

namespace medbox::console {

void Handlers::getPasswordRules(Request&, Reply& reply) { reply.json(views::passwordRules(accounts_.passwordRules())); }

void Handlers::setPasswordRules(Request& req, Reply& reply) {
    auto body = req.json();
    std::vector<std::string> names;
    for (const auto& f : password_rules::fields()) names.emplace_back(f.name);
    body.allowOnly(names);
    // Every field is required: a form shows and sends them all, and a
    // missing one must not silently fall back to a default.
    PasswordRules r;
    for (const auto& f : password_rules::fields()) r.*f.member = static_cast<int>(body.integer(f.name, f.min, f.max));
    reply.json(views::passwordRules(accounts_.setPasswordRules(req.actor(), r)));
}

}  // namespace medbox::console
