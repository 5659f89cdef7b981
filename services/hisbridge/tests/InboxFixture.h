#pragma once
// A hisbridge Env on a temporary database with a ManualClock, an Hl7Inbox on
// it, and helpers to build HL7 messages and read what was stored.
#include "core/testing/TempDir.h"
#include "domain/HisInbox.h"
#include "domain/HisbridgeEnv.h"
#include "domain/Hl7Inbox.h"
#include "hisbridge/EmbeddedFiles.h"
#include "hl7/Message.h"
#include <gtest/gtest.h>
#include <memory>
#include <string>

namespace medbox::hisbridge::testing {

// A valid resident ID (GB 11643 checksum): 11010519491231002X.
inline const std::string kResidentId = "11010519491231002X";

inline std::string msh(const std::string& type, const std::string& control, const std::string& app = "HIS",
                       const std::string& charset = "") {
    std::string s = "MSH|^~\\&|" + app + "|HOSP01|MEDBOX|HOSP01|20261203101500||" + type + "|" + control + "|P|2.5.1";
    if (!charset.empty()) s += "||||||" + charset;
    return s + "\r";
}

inline std::string adt(const std::string& event, const std::string& control, const std::string& pid) {
    return msh("ADT^" + event + "^ADT_A01", control) + "EVN|" + event + "|20261203101500\r" + pid + "\r";
}

inline std::string oru(const std::string& control, const std::string& pid, const std::string& obxFlags) {
    return msh("ORU^R01^ORU_R01", control, "LIS") + pid + "\r" +
           "OBR|1|PL100|FL200^LIS|CBC^Complete blood count^L|||20261203090000|||||||||||||||20261203100000|||F\r"
           "OBX|1|NM|K^Potassium^L||6.9|mmol/L|3.5-5.3|" +
           obxFlags +
           "|||F|||20261203093000\r"
           "OBX|2|NM|NA^Sodium^L||140|mmol/L|137-147|N|||F\r";
}

class InboxFixture : public ::testing::Test {
protected:
    // In SetUp, not the constructor: config() is virtual.
    void SetUp() override {
        db::Options o;
        o.path = dir_.file("hisbridge.db");
        db_ = std::make_unique<db::Database>(o, db::migrationsFrom(embeddedFiles()));
        audit_ = std::make_unique<AuditLog>(clock_, "");
        env_ = std::make_unique<HisbridgeEnv>(*db_, clock_, *audit_, config());
        inbox_ = std::make_unique<Hl7Inbox>(*env_);
        his_ = std::make_unique<HisInbox>(*env_, nullptr, inbox_.get());
    }
    virtual HisbridgeConfig config() { return {}; }

    Hl7Inbox::Outcome send(const std::string& bytes) { return inbox_->receive(bytes, "10.10.2.10:50000"); }

    int64_t count(const std::string& sql) {
        return db_->read([&](db::Connection& c) {
            auto st = c.prepare(sql);
            st.step();
            return st.i64(0);
        });
    }
    std::string one(const std::string& sql) {
        return db_->read([&](db::Connection& c) {
            auto st = c.prepare(sql);
            if (!st.step()) return std::string("<no row>");
            return st.isNull(0) ? std::string("<null>") : st.str(0);
        });
    }
    static hl7::Message ackOf(const Hl7Inbox::Outcome& o) { return hl7::Message::parse(o.ack); }

    testutil::TempDir dir_;
    ManualClock clock_;
    std::unique_ptr<db::Database> db_;
    std::unique_ptr<AuditLog> audit_;
    std::unique_ptr<HisbridgeEnv> env_;
    std::unique_ptr<Hl7Inbox> inbox_;
    std::unique_ptr<HisInbox> his_;
};

}  // namespace medbox::hisbridge::testing
