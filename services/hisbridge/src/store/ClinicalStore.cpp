#include "store/ClinicalStore.h"

namespace medbox::hisbridge::store {

namespace {

std::string joinFlags(const std::vector<std::string>& flags) {
    std::string out;
    for (const auto& f : flags) out += (out.empty() ? "" : "~") + f;
    return out;
}

std::vector<std::string> splitFlags(const std::string& s) {
    std::vector<std::string> out;
    size_t from = 0;
    while (!s.empty()) {
        const auto at = s.find('~', from);
        out.push_back(s.substr(from, at == std::string::npos ? std::string::npos : at - from));
        if (at == std::string::npos) break;
        from = at + 1;
    }
    return out;
}

}  // namespace

std::optional<Patient> findPatient(db::Connection& c, const std::string& patientId) {
    auto st = c.prepare(
        "SELECT patient_id, card_number, id_number, name, sex, birth_date, phone, updated_ms, message_id "
        "FROM patient WHERE patient_id = ?");
    st.args(patientId);
    if (!st.step()) return std::nullopt;
    Patient p;
    p.patientId = st.str(0);
    p.cardNumber = st.optStr(1);
    p.idNumber = st.optStr(2);
    p.name = st.optStr(3);
    p.sex = st.optStr(4);
    p.birthDate = st.optStr(5);
    p.phone = st.optStr(6);
    p.updatedMs = st.i64(7);
    p.messageId = st.i64(8);
    return p;
}

void upsertPatient(db::Tx& tx, const Patient& p) {
    tx.prepare(
          "INSERT INTO patient (patient_id, card_number, id_number, name, sex, birth_date, phone, updated_ms, "
          "message_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (patient_id) DO UPDATE SET "
          "card_number = excluded.card_number, id_number = excluded.id_number, name = excluded.name, "
          "sex = excluded.sex, birth_date = excluded.birth_date, phone = excluded.phone, "
          "updated_ms = excluded.updated_ms, message_id = excluded.message_id")
        .args(p.patientId, p.cardNumber, p.idNumber, p.name, p.sex, p.birthDate, p.phone, p.updatedMs, p.messageId)
        .run();
}

int64_t insertReport(db::Tx& tx, const Report& r) {
    tx.prepare(
          "INSERT INTO result_report (message_id, patient_id, card_number, id_number, report_id, service_code, "
          "service_name, observed_at, status, critical) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .args(r.messageId, r.patientId, r.cardNumber, r.idNumber, r.reportId, r.serviceCode, r.serviceName,
              r.observedAt, r.status, r.critical ? 1 : 0)
        .run();
    const int64_t id = tx.lastInsertId();
    for (const auto& o : r.observations)
        tx.prepare(
              "INSERT INTO observation (report, value_type, code, name, value, units, reference_range, flags, "
              "critical, status, observed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
            .args(id, o.valueType, o.code, o.name, o.value, o.units, o.referenceRange, joinFlags(o.flags),
                  o.critical ? 1 : 0, o.status, o.observedAt)
            .run();
    return id;
}

std::vector<Report> reportsOfMessage(db::Connection& c, int64_t messageId) {
    std::vector<Report> out;
    auto st = c.prepare(
        "SELECT id, message_id, patient_id, card_number, id_number, report_id, service_code, service_name, "
        "observed_at, status, critical FROM result_report WHERE message_id = ? ORDER BY id");
    st.args(messageId);
    while (st.step()) {
        Report r;
        r.id = st.i64(0);
        r.messageId = st.i64(1);
        r.patientId = st.optStr(2);
        r.cardNumber = st.optStr(3);
        r.idNumber = st.optStr(4);
        r.reportId = st.str(5);
        r.serviceCode = st.optStr(6).value_or("");
        r.serviceName = st.optStr(7).value_or("");
        r.observedAt = st.optStr(8).value_or("");
        r.status = st.optStr(9).value_or("");
        r.critical = st.i64(10) != 0;
        out.push_back(std::move(r));
    }
    for (auto& r : out) {
        auto os = c.prepare(
            "SELECT id, value_type, code, name, value, units, reference_range, flags, critical, status, observed_at "
            "FROM observation WHERE report = ? ORDER BY id");
        os.args(r.id);
        while (os.step()) {
            Observation o;
            o.id = os.i64(0);
            o.valueType = os.optStr(1).value_or("");
            o.code = os.str(2);
            o.name = os.optStr(3).value_or("");
            o.value = os.optStr(4).value_or("");
            o.units = os.optStr(5).value_or("");
            o.referenceRange = os.optStr(6).value_or("");
            o.flags = splitFlags(os.str(7));
            o.critical = os.i64(8) != 0;
            o.status = os.optStr(9).value_or("");
            o.observedAt = os.optStr(10).value_or("");
            r.observations.push_back(std::move(o));
        }
    }
    return out;
}

}  // namespace medbox::hisbridge::store
