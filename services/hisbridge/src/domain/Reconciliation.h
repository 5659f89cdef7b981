#pragma once
// The reconciliation report (docs/hisbridge.md, "Downtime"): bookings made
// while the HIS was down that the HIS refused when it came back (it sold the
// slot meanwhile: his_outgoing state "conflict"). Never dropped: each stays
// on the report until staff handle it:
//   - cancel: booking reverses the booking and the portal tells the patient
//     why (the refusal path, HisSender's queueRefusal) -> "cancelled";
//   - resolve: handled outside medbox (the HIS moved its other booking, the
//     patient was called), with a note -> "resolved";
//   - resend: ask the HIS again (e.g. after it freed the slot) -> "pending";
//     another refusal puts it back on the report.
// Lists mask the patient (name, document number); every action is audited
// (hisbridge.reconcile_cancel, _resolve, _resend; target his:<id>).
#include "domain/HisbridgeEnv.h"
#include <optional>
#include <string>
#include <vector>

namespace medbox::hisbridge {

struct Conflict {
    int64_t id = 0;
    int64_t appointmentId = 0;
    std::string requestId;
    std::string state;                        // conflict (open), cancelled, resolved
    std::string patientName, documentNumber;  // masked (core/log/Mask)
    std::string date, session, slotStart, department, doctor;
    std::string hisCode, hisMessage;  // what the HIS said
    std::optional<std::string> handledBy, note;
    int64_t createdMs = 0, updatedMs = 0;
};

class Reconciliation {
public:
    explicit Reconciliation(HisbridgeEnv& env) : env_(env) {}
    // Open conflicts first (oldest first), then handled ones (newest first); at most 500.
    std::vector<Conflict> list(const std::string& actor) const;
    // note: 1-500 characters (InvalidField "note"). Conflict (409) when the row is no open conflict.
    void cancel(const std::string& actor, int64_t id, const std::string& note);
    void resolve(const std::string& actor, int64_t id, const std::string& note);
    void resend(const std::string& actor, int64_t id);

private:
    HisbridgeEnv& env_;
};

}  // namespace medbox::hisbridge
