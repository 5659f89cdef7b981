#pragma once
// The narrow view of a running service that handlers and domain code get:
// configuration, database, clock, audit, outbox, tokens and their
// revocations, and metrics. Never the application object. Owned by
// ServiceApp for the process lifetime.
#include "core/audit/AuditLog.h"
#include "core/auth/RevocationSet.h"
#include "core/auth/Tokens.h"
#include "core/config/Settings.h"
#include "core/db/Database.h"
#include "core/metrics/Metrics.h"
#include "core/time/Clock.h"
#include <Poco/Logger.h>
#include <string>

namespace medbox {

class Dispatcher;

struct ServiceContext {
    std::string service;  // "booking"
    const Settings& settings;
    db::Database& db;
    const Clock& clock;
    AuditLog& audit;
    Metrics& metrics;
    const TokenIssuer& issuer;  // this service's own key: service tokens (console: staff tokens too)
    const TokenVerifier& verifier;
    RevocationSet& revocations;  // revoked staff tokens the verifier refuses (the console fills it)
    Dispatcher* outbox;          // wake() after enqueueing; may be null in tests
    Poco::Logger& logger;
    std::string dataDir;
    // Every service's certificate and public key (auth.trust_dir): what a
    // client context of this service trusts.
    std::string trustDir{};
};

}  // namespace medbox
