#pragma once
// T108 (patient registration) as the HL7 ADT^A04 the MLLP inbox applies
// (docs/his-protocol.md): one path and one patient table for registrations
// whichever interface the HIS uses. Pure: builds text only.
#include "his/Envelope.h"
#include <cstdint>
#include <string>

namespace medbox::hisbridge::his {

// An ADT^A04 in UTF-8 (MSH-18 says so): MSH-3 the sender, MSH-4
// "HIS-SOCKET", MSH-10 the requestId; PID-3 the HIS id (PI), visit card
// (CARD), resident ID (NNCHN), passport (PPN); PID-5 the name, PID-7 the
// birth date, PID-8 sex, PID-13 the phone. r.data is checked (checkData).
std::string registrationAdt(const Request& r, const std::string& sender, int64_t nowMs);

// The field of T108's data that an HL7 location ("PID-3") came from.
std::string registrationField(const std::string& hl7Location);

}  // namespace medbox::hisbridge::his
