#include "domain/Patient.h"
#include "core/log/Mask.h"
#include "core/util/Ids.h"
#include <algorithm>

namespace medbox::booking {

namespace {

std::string trim(std::string_view s) {
    const auto notSpace = [](char c) { return c != ' ' && c != '\t'; };
    auto b = std::find_if(s.begin(), s.end(), notSpace);
    auto e = std::find_if(s.rbegin(), s.rend(), notSpace).base();
    return b < e ? std::string(b, e) : std::string();
}

std::string upper(std::string s) {
    for (char& c : s)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return s;
}

bool allOf(std::string_view s, bool (*ok)(char)) { return std::all_of(s.begin(), s.end(), ok); }
bool alnumUpper(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
bool alnumUpperDash(char c) { return alnumUpper(c) || c == '-' || c == '(' || c == ')'; }

// Number of UTF-8 code points; -1 for an invalid sequence.
int utf8Length(std::string_view s) {
    int n = 0;
    for (size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        const size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
        if (len == 0 || i + len > s.size()) return -1;
        for (size_t k = 1; k < len; ++k)
            if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return -1;
        i += len;
        ++n;
    }
    return n;
}

}  // namespace

std::optional<std::string> checkPersonName(std::string& name) {
    name = trim(name);
    const int len = utf8Length(name);
    if (name.empty()) return "name is required";
    if (len < 0) return "name is not valid UTF-8";
    if (len > 40) return "name is longer than 40 characters";
    for (char ch : name) {
        const auto c = static_cast<unsigned char>(ch);
        // Real names never hold digits, control characters or markup; rejecting
        // them keeps phone/ID numbers from being typed into the name field.
        if (c < 0x20 || c == 0x7f || (c >= '0' && c <= '9') || c == '<' || c == '>' || c == '"' || c == '\\')
            return "name holds characters a name does not have (digits, control characters, markup)";
    }
    return std::nullopt;
}

bool isMainlandMobile(std::string_view p) {
    if (p.size() != 11 || p[0] != '1' || p[1] < '3' || p[1] > '9') return false;
    return std::all_of(p.begin(), p.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<FieldProblem> validateDocument(const std::string& type, std::string& number) {
    number = upper(trim(number));
    if (number.empty()) return FieldProblem{"documentNumber", "document number is required"};
    if (type == "resident_id") {
        const std::string why = ids::checkResidentId(number);
        if (!why.empty()) return FieldProblem{"documentNumber", "not a valid resident ID number: " + why};
        return std::nullopt;
    }
    if (type == "passport") {
        if (number.size() < 5 || number.size() > 17 || !allOf(number, alnumUpper))
            return FieldProblem{"documentNumber", "a passport number is 5-17 letters and digits"};
        return std::nullopt;
    }
    if (type == "other") {
        if (number.size() < 4 || number.size() > 30 || !allOf(number, alnumUpperDash))
            return FieldProblem{"documentNumber", "a document number is 4-30 letters, digits, '-', '(' or ')'"};
        return std::nullopt;
    }
    return FieldProblem{"documentType", "documentType must be one of resident_id, passport, other"};
}

std::optional<FieldProblem> validatePatient(PatientIdentity& p) {
    if (auto bad = checkPersonName(p.name)) return FieldProblem{"name", *bad};
    p.documentType = trim(p.documentType);
    if (auto bad = validateDocument(p.documentType, p.documentNumber)) return bad;
    p.phone = trim(p.phone);
    if (!isMainlandMobile(p.phone))
        return FieldProblem{"phone", "phone must be a mainland mobile number (11 digits, 1[3-9]xxxxxxxxx)"};
    return std::nullopt;
}

std::string maskDocument(const std::string& type, const std::string& number) {
    if (type == "resident_id") return mask::idNumber(number);
    // Other documents: keep the first and last two characters.
    if (number.size() <= 4) return std::string(number.size(), '*');
    return number.substr(0, 2) + std::string(number.size() - 4, '*') + number.substr(number.size() - 2);
}

}  // namespace medbox::booking
