#include "hl7/Ack.h"
#include "hl7/Escape.h"
#include <ctime>
#include <regex>

namespace medbox::hisbridge::hl7 {

std::string_view hl7ErrorText(int code) {
    switch (code) {
        case 0: return "Message accepted";
        case 100: return "Segment sequence error";
        case 101: return "Required field missing";
        case 102: return "Data type error";
        case 103: return "Table value not found";
        case 200: return "Unsupported message type";
        case 201: return "Unsupported event code";
        case 202: return "Unsupported processing id";
        case 203: return "Unsupported version id";
        case 204: return "Unknown key identifier";
        case 205: return "Duplicate key identifier";
        case 206: return "Application record locked";
        default: return "Application internal error";
    }
}

ErrorDetail errorDetail(const AppError& e) {
    const ErrInfo& info = errInfo(e.err());
    ErrorDetail d;
    d.ackCode = std::string(hl7AckText(info.ack));
    d.appCode = std::string(info.code);
    d.text = e.what();
    d.location = e.field();
    const std::string& f = e.field();
    switch (e.err()) {
        case Err::MissingField: d.hl7Code = 101; break;
        case Err::InvalidField: d.hl7Code = 102; break;
        case Err::MethodNotAllowed: d.hl7Code = f == "MSH-9.2" ? 201 : 200; break;
        case Err::NotFound: d.hl7Code = 204; break;
        case Err::BadRequest:
        case Err::PayloadTooLarge:
            // The header checks name the field; the parser names the segment it stopped at.
            d.hl7Code = f == "MSH-10" ? 101 : f == "MSH-12" ? 203 : f.rfind("segment", 0) == 0 ? 100 : 102;
            break;
        default: d.hl7Code = 207;
    }
    return d;
}

std::string erl(const std::string& location) {
    static const std::regex re("([A-Z][A-Z0-9]{2})-([0-9]{1,3})(?:\\.([0-9]{1,3}))?");
    std::smatch m;
    if (!std::regex_match(location, m, re)) return {};
    std::string out = m[1].str() + "^1^" + m[2].str();
    if (m[3].matched) out += "^1^" + m[3].str();
    return out;
}

std::string hl7Time(int64_t ms) {
    const std::time_t t = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%d%H%M%S+0000", &tm);
    return buf;
}

std::string buildAck(const Message* in, const std::optional<ErrorDetail>& error, int64_t nowMs,
                     const std::string& controlId) {
    const Delimiters d;  // ours: |^~\&
    auto esc = [&](const std::string& s) { return escape(s, d); };
    auto get = [&](size_t field, size_t comp = 1) { return in ? in->text("MSH", field, 1, comp) : std::string{}; };
    // Sender and receiver swap; the trigger event is echoed (ACK^A04^ACK).
    const std::string us = get(5).empty() ? "MEDBOX" : get(5);  // the application the sender addressed, or ours
    std::string msh = "MSH|^~\\&|" + esc(us) + "|" + esc(get(6)) + "|" + esc(get(3)) + "|" + esc(get(4)) + "|" +
                      hl7Time(nowMs) + "||ACK^" + esc(get(9, 2)) + "^ACK|" + esc(controlId) + "|" +
                      esc(in && !get(11).empty() ? get(11) : "P") + "|2.5.1";
    const std::string charset = get(18);
    if (!charset.empty()) msh += "||||||" + esc(charset);
    std::string out = msh + "\rMSA|" + (error ? error->ackCode : "AA") + "|" + esc(get(10));
    if (error) {
        out += "\rERR||" + erl(error->location) + "|" + std::to_string(error->hl7Code) + "^" +
               esc(std::string(hl7ErrorText(error->hl7Code))) + "^HL70357|E|" + esc(error->appCode) + "^^medbox|||" +
               esc(error->text);
    }
    return out + "\r";
}

}  // namespace medbox::hisbridge::hl7
