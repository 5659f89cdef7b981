#pragma once
// What the HIS sends about the catalogue and the schedules, forwarded by
// hisbridge through its outbox (docs/his-protocol.md, T102-T105): departments
// by their code, doctors by the HIS's doctor code (his_doctor), schedules by
// (doctor, date, session), stop-clinic notices. Every item is an upsert, so a
// message delivered again leaves the same state; an item booking cannot take
// (a date in the past, a session already closed) is skipped with its reason
// and the others are applied: refusing the whole message would hold back
// every later message from the HIS (the outbox keeps their order).
// Stateless apart from the environment; thread-safe.
#include "domain/BookingEnv.h"
#include "domain/Catalogue.h"
#include "domain/Schedules.h"
#include <Poco/JSON/Object.h>
#include <string>
#include <vector>

namespace medbox::booking {

struct HisSyncResult {
    int applied = 0;    // items created or changed
    int unchanged = 0;  // items already as sent
    struct Skip {
        int index = 0;
        std::string reason;
    };
    std::vector<Skip> skipped;
};

class HisSync {
public:
    explicit HisSync(BookingEnv& env) : env_(env), catalogue_(env), schedules_(env) {}

    // topic: his.departments, his.doctors, his.schedules, his.stop_clinic
    // (data: the transaction's data as hisbridge checked it), or
    // his.booking_refused (data: appointmentId, code, reason: the HIS refused
    // P201, the booking is reversed without a cancellation sent back), or
    // his.visit_status (T106: visited -> completed, no_show -> no_show,
    // refunded -> cancelled with its place freed). Throws AppError
    // BadRequest for an unknown topic or data without its list.
    HisSyncResult apply(const Caller& who, const std::string& topic, const Poco::JSON::Object::Ptr& data);

private:
    bool department(const Caller& who, const Poco::JSON::Object::Ptr& item);
    bool doctor(const Caller& who, const Poco::JSON::Object::Ptr& item);
    bool schedule(const Caller& who, const Poco::JSON::Object::Ptr& item);
    bool stop(const Caller& who, const Poco::JSON::Object::Ptr& item);
    bool reverse(const Caller& who, const Poco::JSON::Object::Ptr& item);
    bool visit(const Caller& who, const Poco::JSON::Object::Ptr& item);
    int64_t doctorIdOf(const std::string& hisCode) const;  // InvalidField when unknown

    BookingEnv& env_;
    Catalogue catalogue_;
    Schedules schedules_;
};

}  // namespace medbox::booking
