#pragma once
// The real-name identity a booking is made for (实名制): name, document and
// mobile phone. validate() normalises (trims, upper-cases the document) and
// checks each field; it never throws, so it can run on hostile input.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace medbox::booking {

struct PatientIdentity {
    std::string name;
    std::string documentType;  // resident_id | passport | other
    std::string documentNumber;
    std::string phone;
};

struct FieldProblem {
    std::string field;  // "name", "documentNumber", ...
    std::string message;
};

inline const std::vector<std::string>& documentTypes() {
    static const std::vector<std::string> types{"resident_id", "passport", "other"};
    return types;
}

// Normalises p in place; the first problem found, or nullopt when valid.
std::optional<FieldProblem> validatePatient(PatientIdentity& p);
// Validates and normalises a document alone (search by document).
std::optional<FieldProblem> validateDocument(const std::string& type, std::string& number);
// A person's real name (patients, doctors): trims it; the problem or nullopt.
std::optional<std::string> checkPersonName(std::string& name);
// Mainland mobile number: 1[3-9] followed by 9 digits.
bool isMainlandMobile(std::string_view phone);
// Masked document number for list views (any document type).
std::string maskDocument(const std::string& type, const std::string& number);

}  // namespace medbox::booking
