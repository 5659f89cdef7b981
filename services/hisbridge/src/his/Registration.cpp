#include "his/Registration.h"
#include "hl7/Ack.h"
#include "hl7/Escape.h"

namespace medbox::hisbridge::his {

namespace {

std::string field(const Poco::JSON::Object::Ptr& d, const std::string& k) {
    return d->has(k) && !d->isNull(k) ? d->getValue<std::string>(k) : std::string();
}

}  // namespace

std::string registrationAdt(const Request& r, const std::string& sender, int64_t nowMs) {
    const hl7::Delimiters dl;
    auto esc = [&](const std::string& s) { return hl7::escape(s, dl); };
    const auto& d = r.data;
    std::string ids = esc(field(d, "patientId")) + "^^^HIS^PI";
    if (const auto v = field(d, "cardNumber"); !v.empty()) ids += "~" + esc(v) + "^^^HIS^CARD";
    if (const auto v = field(d, "idNumber"); !v.empty()) ids += "~" + esc(v) + "^^^CHN^NNCHN";
    if (const auto v = field(d, "passport"); !v.empty()) ids += "~" + esc(v) + "^^^^PPN";
    std::string birth = field(d, "birthDate");  // YYYY-MM-DD, checked
    if (!birth.empty()) birth = birth.substr(0, 4) + birth.substr(5, 2) + birth.substr(8, 2);
    const std::string time = hl7::hl7Time(nowMs);
    return "MSH|^~\\&|" + esc(sender) + "|HIS-SOCKET|MEDBOX|MEDBOX|" + time + "||ADT^A04^ADT_A01|" + esc(r.requestId) +
           "|P|2.5.1||||||UNICODE UTF-8\r" + "EVN|A04|" + time + "\r" + "PID|1||" + ids + "||" + esc(field(d, "name")) +
           "||" + birth + "|" + esc(field(d, "sex")) + "|||||" + esc(field(d, "phone")) + "\r";
}

std::string registrationField(const std::string& loc) {
    if (loc.rfind("PID-3", 0) == 0) return "data.idNumber";
    if (loc.rfind("PID-7", 0) == 0) return "data.birthDate";
    if (loc.rfind("PID-5", 0) == 0) return "data.name";
    return "data";
}

}  // namespace medbox::hisbridge::his
