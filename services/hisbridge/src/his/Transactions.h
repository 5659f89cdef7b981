#pragma once
// The data of each transaction the HIS starts (T101-T108), checked before
// anything is stored or forwarded; the fields are in docs/his-protocol.md.
#include "his/Envelope.h"

namespace medbox::hisbridge::his {

// Throws HisError 1003 naming the field ("data.schedules[2].start") for a
// field missing, invalid or not in the transaction; 1002 for a txn medbox
// starts (P2xx), which a HIS never sends to medbox.
void checkData(const Request& r);

// Where a checked request goes: booking's topic for T102-T106 (forwarded
// through the outbox), empty for those the bridge keeps or applies itself.
std::string bookingTopic(const std::string& txn);

}  // namespace medbox::hisbridge::his
