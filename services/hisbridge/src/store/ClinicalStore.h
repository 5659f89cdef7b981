#pragma once
// SQL of what applied messages produce: patient (ADT), result_report and
// observation (ORU). migrations/0001_create_schema.sql.
#include "core/db/Database.h"
#include <optional>
#include <string>
#include <vector>

namespace medbox::hisbridge::store {

struct Patient {
    std::string patientId;
    std::optional<std::string> cardNumber, idNumber, name, sex, birthDate, phone;
    int64_t updatedMs = 0;
    int64_t messageId = 0;
};

std::optional<Patient> findPatient(db::Connection& c, const std::string& patientId);
void upsertPatient(db::Tx& tx, const Patient& p);

struct Observation {
    int64_t id = 0;
    std::string valueType, code, name, value, units, referenceRange;
    std::vector<std::string> flags;
    bool critical = false;
    std::string status, observedAt;
};

struct Report {
    int64_t id = 0;
    int64_t messageId = 0;
    std::optional<std::string> patientId, cardNumber, idNumber;
    std::string reportId, serviceCode, serviceName, observedAt, status;
    bool critical = false;
    std::vector<Observation> observations;
};

// Inserts the report and its observations; returns the report's id.
int64_t insertReport(db::Tx& tx, const Report& r);
// The reports of one message, with their observations, in order.
std::vector<Report> reportsOfMessage(db::Connection& c, int64_t messageId);

}  // namespace medbox::hisbridge::store
