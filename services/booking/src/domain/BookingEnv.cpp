#include "domain/BookingEnv.h"
#include "http/JsonText.h"
#include "outbox/Outbox.h"

namespace medbox::booking {

std::string toJsonText(const Poco::JSON::Object::Ptr& obj) { return json::text(obj); }

void BookingEnv::auditIn(db::Tx& tx, const std::string& actor, const std::string& action,
                         const std::string& target, const Poco::JSON::Object::Ptr& detail) {
    auditIn(tx, actor, action, target, detail ? toJsonText(detail) : std::string("{}"));
}

void BookingEnv::auditIn(db::Tx& tx, const std::string& actor, const std::string& action,
                         const std::string& target, std::string detailJson) {
    AuditEntry e;
    e.actor = actor;
    e.action = action;
    e.target = target;
    e.detail = std::move(detailJson);
    audit.append(tx, e);
}

void BookingEnv::enqueueIn(db::Tx& tx, const std::string& destination, const std::string& topic,
                           const std::string& payloadJson) {
    Outbox::enqueue(tx, destination, topic, payloadJson, now());
    if (wakeOutbox_) tx.afterCommit([this, destination] { wakeOutbox_(destination); });
}

}  // namespace medbox::booking
