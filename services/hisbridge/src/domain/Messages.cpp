#include "domain/Messages.h"
#include "core/error/OrNotFound.h"

namespace medbox::hisbridge {

std::vector<store::StoredMessage> Messages::search(const store::MessageQuery& q) const {
    return env_.db.read([&](db::Connection& c) { return store::searchMessages(c, q); });
}

MessageDetail Messages::get(int64_t id) const {
    return env_.db.read([&](db::Connection& c) {
        MessageDetail d{orNotFound(store::findMessageById(c, id), "message", id), std::nullopt, {}};
        if (d.message.type.rfind("ADT", 0) == 0 && d.message.patientId)
            d.patient = store::findPatient(c, *d.message.patientId);
        d.reports = store::reportsOfMessage(c, id);
        return d;
    });
}

}  // namespace medbox::hisbridge
