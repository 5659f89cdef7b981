#pragma once
// Payloads of the messages booking queues in its outbox. They are contracts
// with other services (docs/booking.md, "Messages"): hisbridge registers and
// cancels the visit in HIS; portal sends the patient an SMS/WeChat notice.
// They carry full identity because the receivers need it; they are never logged.
#include "domain/LocalTime.h"
#include "store/Rows.h"
#include <string>

namespace medbox::booking::messages {

inline constexpr const char* kHisbridge = "hisbridge";
inline constexpr const char* kPortal = "portal";
inline constexpr const char* kCreated = "booking.created";
inline constexpr const char* kCancelled = "booking.cancelled";
inline constexpr const char* kStopClinicNotice = "booking.stop_clinic_notice";

// Each returns the payload as JSON text (written on the booking path directly,
// without a Poco object in between).
// hisbridge / booking.created
std::string created(const Appointment& a, const Schedule& s, const HospitalTime& t);
// hisbridge / booking.cancelled; reason: "patient", "desk" or "stop_clinic"
std::string cancelled(const Appointment& a, const std::string& reason, int64_t nowMs, const HospitalTime& t);
// portal / booking.stop_clinic_notice
std::string stopClinicNotice(const Appointment& a, const std::string& reason, const HospitalTime& t);

}  // namespace medbox::booking::messages
