#include "core/service/TxEffects.h"

#include "core/http/JsonText.h"
#include "core/outbox/Outbox.h"

namespace medbox {

TxEffects::Wake TxEffects::wakeOf(Dispatcher* outbox) {
    if (!outbox) return {};
    return [outbox](const std::string& destination) { outbox->wake(destination); };
}

void TxEffects::auditIn(db::Tx& tx, const std::string& actor, const std::string& action, const std::string& target,
                        std::string detailJson) const {
    AuditEntry e;
    e.actor = actor;
    e.action = action;
    e.target = target;
    e.detail = std::move(detailJson);
    audit_.append(tx, e);
}

void TxEffects::auditIn(db::Tx& tx, const std::string& actor, const std::string& action, const std::string& target,
                        const Poco::JSON::Object::Ptr& detail) const {
    auditIn(tx, actor, action, target, detail ? json::text(detail) : std::string("{}"));
}

std::string TxEffects::sendIn(db::Tx& tx, const std::string& destination, const std::string& topic,
                              const std::string& payloadJson) const {
    std::string id = Outbox::enqueue(tx, destination, topic, payloadJson, clock_.nowMs());
    wakeAfterCommit(tx, destination);
    return id;
}

std::string TxEffects::sendIn(db::Tx& tx, const std::string& destination, const std::string& topic,
                              const Poco::JSON::Object::Ptr& payload) const {
    std::string id = Outbox::enqueue(tx, destination, topic, payload, clock_.nowMs());
    wakeAfterCommit(tx, destination);
    return id;
}

void TxEffects::wakeAfterCommit(db::Tx& tx, const std::string& destination) const {
    if (wake_) tx.afterCommit([this, destination] { wake_(destination); });
}

}  // namespace medbox
