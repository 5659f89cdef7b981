// ADT^A04 (register a patient) and ADT^A08 (update patient information).
// A field sent empty keeps what is stored; a field sent as "" clears it
// (v2.5.1 2.5.3: null means delete).
#include "core/error/AppError.h"
#include "core/util/Ids.h"
#include "domain/Apply.h"
#include "store/ClinicalStore.h"
#include <algorithm>
#include <cctype>

namespace medbox::hisbridge {

namespace {

const std::vector<std::string> kOwnIdTypes = {"PI", "MR", "PT"};

// Stored value after a message: Empty keeps, Null clears, Text replaces.
void merge(std::optional<std::string>& stored, const hl7::Value& v) {
    if (v.null())
        stored.reset();
    else if (v.has())
        stored = v.text;
}

void merge(std::optional<std::string>& stored, const std::optional<std::string>& v) {
    if (v) stored = v->empty() ? std::nullopt : v;
}

}  // namespace

PatientIds patientIds(const hl7::Message& m) {
    PatientIds ids;
    const hl7::Segment* pid = m.find("PID");
    if (!pid) return ids;
    std::optional<std::string> first;
    for (size_t r = 1; r <= m.repetitions(*pid, 3); ++r) {
        const hl7::Value id = m.value(*pid, 3, r, 1);
        if (!id.has()) continue;
        const std::string type = m.value(*pid, 3, r, 5).text;
        if (!first) first = id.text;
        if (!ids.patientId && std::find(kOwnIdTypes.begin(), kOwnIdTypes.end(), type) != kOwnIdTypes.end())
            ids.patientId = id.text;
        else if (type == "CARD" && !ids.cardNumber)
            ids.cardNumber = id.text;
        else if ((type == "NNCHN" || type == "NI") && !ids.documentNumber) {
            ids.documentType = "resident_id";
            ids.documentNumber = id.text;
        } else if (type == "PPN" && !ids.documentNumber) {
            ids.documentType = "passport";
            ids.documentNumber = id.text;
        }
    }
    if (!ids.patientId) ids.patientId = first;
    return ids;
}

ApplyState applyAdt(ApplyContext& c) {
    const hl7::Message& m = c.msg;
    const hl7::Segment* pid = m.find("PID");
    if (!pid) throw AppError(Err::MissingField, "ADT needs a PID segment", "PID");
    const PatientIds ids = patientIds(m);
    if (!ids.patientId) throw AppError(Err::MissingField, "PID-3 holds no patient identifier", "PID-3");
    if (ids.documentType && *ids.documentType == "resident_id") {
        const std::string problem = ids::checkResidentId(*ids.documentNumber);
        if (!problem.empty()) throw AppError(Err::InvalidField, "PID-3 resident ID: " + problem, "PID-3");
    }
    const hl7::Value birth = m.value(*pid, 7);
    if (birth.has() && (birth.text.size() < 8 || !std::all_of(birth.text.begin(), birth.text.begin() + 8, [](char ch) {
                            return std::isdigit(static_cast<unsigned char>(ch));
                        })))
        throw AppError(Err::InvalidField, "PID-7 is not a date YYYYMMDD", "PID-7");

    store::Patient p = store::findPatient(c.tx.conn(), *ids.patientId).value_or(store::Patient{});
    p.patientId = *ids.patientId;
    merge(p.cardNumber, ids.cardNumber);
    merge(p.idNumber, ids.documentNumber);
    // XPN: family name and given name; a Chinese name is written family first, without a space.
    const hl7::Value family = m.value(*pid, 5, 1, 1), given = m.value(*pid, 5, 1, 2);
    if (family.null())
        p.name.reset();
    else if (family.has() || given.has())
        p.name = family.text + given.text;
    merge(p.sex, m.value(*pid, 8));
    if (birth.null())
        p.birthDate.reset();
    else if (birth.has())
        p.birthDate = birth.text.substr(0, 8);
    // XTN: the number is component 1 (v2.3 style) or 12 (unformatted, v2.5).
    hl7::Value phone = m.value(*pid, 13, 1, 12);
    if (phone.empty()) phone = m.value(*pid, 13, 1, 1);
    merge(p.phone, phone);
    p.updatedMs = c.nowMs;
    p.messageId = c.messageId;
    store::upsertPatient(c.tx, p);
    return "applied";
}

ApplyState applySiu(ApplyContext& c) {
    // Kept as received; booking applies them in a later step (docs/STATUS.md).
    if (!c.msg.find("SCH")) throw AppError(Err::MissingField, "SIU needs an SCH segment", "SCH");
    if (c.msg.text("SCH", 1).empty() && c.msg.text("SCH", 2).empty())
        throw AppError(Err::MissingField, "SCH-1 or SCH-2 must name the appointment", "SCH-1");
    return "received";
}

}  // namespace medbox::hisbridge
