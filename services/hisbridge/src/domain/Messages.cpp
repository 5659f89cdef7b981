#include "domain/Messages.h"
#include "core/error/OrNotFound.h"

#include <Poco/JSON/Array.h>

#include <utility>

namespace medbox::hisbridge {

std::vector<store::StoredMessage> Messages::search(const std::string& actor, const store::MessageQuery& q) const {
    std::vector<store::StoredMessage> found;
    // The read and its audit row in one transaction: no search goes unrecorded.
    env_.db.write([&](db::Tx& tx) {
        found = store::searchMessages(tx.conn(), q);
        // Which filters, not their values: a patient id is personal data.
        Poco::JSON::Array::Ptr filters = new Poco::JSON::Array;
        for (const auto& [name, used] : {std::pair{"patientId", q.patientId.has_value()},
                                         {"controlId", q.controlId.has_value()},
                                         {"type", q.type.has_value()},
                                         {"state", q.state.has_value()},
                                         {"fromMs", q.fromMs.has_value()},
                                         {"toMs", q.toMs.has_value()}}) {
            if (used) filters->add(name);
        }
        Poco::JSON::Object::Ptr detail = new Poco::JSON::Object;
        detail->set("filters", filters);
        detail->set("results", static_cast<int64_t>(found.size()));
        env_.effects.auditIn(tx, actor, "hisbridge.message_search", "messages", detail);
    });
    return found;
}

MessageDetail Messages::get(const std::string& actor, int64_t id) const {
    MessageDetail d;
    env_.db.write([&](db::Tx& tx) {
        auto& c = tx.conn();
        d = MessageDetail{orNotFound(store::findMessageById(c, id), "message", id), std::nullopt, {}};
        if (d.message.type.rfind("ADT", 0) == 0 && d.message.patientId)
            d.patient = store::findPatient(c, *d.message.patientId);
        d.reports = store::reportsOfMessage(c, id);
        env_.effects.auditIn(tx, actor, "hisbridge.message_view", "message:" + std::to_string(id));
    });
    return d;
}

}  // namespace medbox::hisbridge
