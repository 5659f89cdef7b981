#include "core/service/ServiceApp.h"

#include "core/audit/AuditQuery.h"
#include "core/audit/AuditRows.h"
#include "core/auth/RevocationPoller.h"
#include "core/error/AppError.h"
#include "core/http/Server.h"
#include "core/http/StaffSession.h"
#include "core/http/StaticFiles.h"
#include "core/log/Log.h"
#include "core/net/HttpClient.h"
#include "core/net/TcpListener.h"
#include "core/net/Tls.h"
#include "core/outbox/Outbox.h"
#include "core/service/PeriodicJob.h"
#include "core/service/Watchdog.h"
#include "core/time/IsoTime.h"
#include "core/util/Files.h"

#include <Poco/File.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Path.h>
#include <Poco/StringTokenizer.h>
#include <Poco/URI.h>
#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/Option.h>
#include <Poco/Util/OptionCallback.h>

#include <malloc.h>
#include <sys/stat.h>

#include <cctype>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <fstream>
#include <iostream>
#include <thread>

extern char** environ;

namespace medbox {

using Poco::Util::Option;
using Poco::Util::OptionCallback;

namespace {
// sysexits.h: systemd and operators can tell a bad configuration from a crash.
constexpr int kExitConfig = 78;
constexpr int kExitCantCreate = 73;
constexpr int kExitSoftware = 70;

int64_t steadyMs() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

// Created under umask 077: private unless `shared` (peers read the trust folder).
void makeDir(const std::string& path, bool shared) {
    Poco::File dir(path);
    if (dir.exists()) return;
    dir.createDirectories();
    if (shared) ::chmod(path.c_str(), 0755);
}

bool isLoopback(const std::string& ip) {
    return ip.rfind("127.", 0) == 0 || ip == "::1" || ip.rfind("::ffff:127.", 0) == 0;
}

// auth.console_url: where the console answers, "https://HOST:PORT" (a path
// would be a guess at where its API lives). Empty when not set.
std::string consoleUrl(const Settings& settings) {
    std::string url = settings.str("auth.console_url", "");
    if (url.empty()) return url;
    bool ok = false;
    try {
        Poco::URI u(url);
        ok = (u.getScheme() == "https" || u.getScheme() == "http") && !u.getHost().empty() && u.getUserInfo().empty() &&
             (u.getPath().empty() || u.getPath() == "/") && u.getRawQuery().empty() && u.getFragment().empty();
    } catch (const Poco::Exception&) {
    }
    if (!ok)
        throw ConfigError("auth.console_url: expected the console's address as https://HOST:PORT, got '" + url + "'");
    while (url.back() == '/') url.pop_back();
    return url;
}
}  // namespace

struct ServiceApp::State {
    std::string configFile;
    std::vector<std::pair<std::string, std::string>> overrides;
    Settings settings;
    SystemClock clock;
    Metrics metrics;
    std::unique_ptr<db::Database> db;
    std::unique_ptr<AuditLog> audit;
    RevocationSet revocations;  // before the verifier, which points at it
    std::unique_ptr<TokenIssuer> issuer;
    std::unique_ptr<TokenVerifier> verifier;
    std::unique_ptr<Dispatcher> dispatcher;
    std::unique_ptr<RevocationPoller> revocationPoller;  // null in the console and without auth.console_url
    std::unique_ptr<ServiceContext> ctx;
    Router router;
    std::unique_ptr<StaticFiles> pages;  // web/ of the embedded files (docs/web.md)
    std::string consoleUrl;              // auth.console_url (not in the console): session refresh
    std::string timeZone;                // web.time_zone: the hospital's, for dates on pages
    ServerOptions serverOptions;
    std::unique_ptr<Server> server;
    std::unique_ptr<tls::ServerIdentity> identity;             // null without TLS
    std::function<bool()> renewCertificate;                    // true: a new self-signed pair was written
    std::unique_ptr<PeriodicJob> certificateRenewal;           // null without TLS
    std::vector<std::unique_ptr<net::TcpListener>> listeners;  // beside the server (addListener)
    std::string dataDir, trustDir, portFile;
    std::atomic<bool> shuttingDown{false};
    std::thread watchdog;
    std::mutex watchdogMutex;
    std::condition_variable watchdogCv;
};

namespace {
// "Asia/Shanghai", "UTC", "America/Argentina/Buenos_Aires": the shape of an
// IANA zone name (the browser's Intl checks the name itself).
bool validTimeZone(const std::string& z) {
    if (z.empty() || z.size() > 64 || z.front() == '/' || z.back() == '/') return false;
    for (size_t i = 0; i < z.size(); ++i) {
        const char c = z[i];
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-' || c == '+'))
            return false;
        if (c == '/' && z[i + 1] == '/') return false;
    }
    return true;
}
}  // namespace

ServiceApp::ServiceApp(std::string name, int defaultPort)
    : name_(std::move(name)), defaultPort_(defaultPort), s_(std::make_unique<State>()) {
    setUnixOptions(true);
}

ServiceApp::~ServiceApp() = default;

void ServiceApp::defineOptions(Poco::Util::OptionSet& options) {
    ServerApplication::defineOptions(options);
    options.addOption(Option("help", "h", "show the options and exit")
                          .required(false)
                          .repeatable(false)
                          .callback(OptionCallback<ServiceApp>(this, &ServiceApp::handleHelp)));
    options.addOption(Option("config", "c", "read configuration from FILE (.properties, .ini or .json)")
                          .required(false)
                          .repeatable(false)
                          .argument("FILE")
                          .callback(OptionCallback<ServiceApp>(this, &ServiceApp::handleConfig)));
    options.addOption(Option("set", "s", "set a configuration key (overrides file and environment)")
                          .required(false)
                          .repeatable(true)
                          .argument("KEY=VALUE")
                          .callback(OptionCallback<ServiceApp>(this, &ServiceApp::handleSet)));
}

void ServiceApp::handleHelp(const std::string&, const std::string&) {
    helpRequested_ = true;
    Poco::Util::HelpFormatter help(options());
    help.setCommand(commandName());
    help.setUsage("[--config=FILE] [--set key=value ...]");
    help.setHeader("medbox " + name_ + " service. Environment: MEDBOX_SECTION__KEY=value sets section.key.");
    help.format(std::cout);
    stopOptionsProcessing();
}

void ServiceApp::handleConfig(const std::string&, const std::string& value) { s_->configFile = value; }

void ServiceApp::handleSet(const std::string&, const std::string& value) {
    auto eq = value.find('=');
    if (eq == std::string::npos || eq == 0) throw ConfigError("--set expects key=value, got '" + value + "'");
    s_->overrides.emplace_back(value.substr(0, eq), value.substr(eq + 1));
}

void ServiceApp::initialize(Poco::Util::Application& self) { ServerApplication::initialize(self); }
void ServiceApp::uninitialize() { ServerApplication::uninitialize(); }

void ServiceApp::addListener(std::unique_ptr<net::TcpListener> listener) {
    s_->listeners.push_back(std::move(listener));
}

void ServiceApp::registerCoreRoutes() {
    auto& st = *s_;
    st.router.get(
        "/healthz", Access::anyone(),
        [this](Request&, Reply& rp) {
            Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
            o->set("status", "ok");
            o->set("service", name_);
            rp.json(o);
        },
        "liveness");
    st.router.get(
        "/readyz", Access::anyone(),
        [this](Request&, Reply& rp) {
            Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
            bool dbOk = false;
            try {
                dbOk = s_->db->read([](db::Connection& c) {
                    auto q = c.prepare("SELECT 1");
                    return q.step();
                });
            } catch (const std::exception&) {
            }
            bool ready = dbOk && !s_->shuttingDown;
            o->set("status", ready ? "ready" : "not_ready");
            o->set("database", dbOk ? "ok" : "failed");
            rp.status(ready ? 200 : 503);
            rp.json(o);
        },
        "readiness");
    st.router.get(
        "/metrics", Access::anyone(),
        [this](Request& rq, Reply& rp) {
            // The portal's port faces the internet: metrics only for local scrapers or admins.
            bool local = isLoopback(rq.clientAddress());
            bool staff = rq.principal() && (rq.principal()->hasRole("admin") || rq.principal()->hasRole("auditor"));
            if (!local && !staff)
                throw AppError(Err::Forbidden, "metrics are served to loopback or to admin tokens only");
            rp.content("text/plain; version=0.0.4", s_->metrics.render());
        },
        "Prometheus metrics");
    st.router.get(
        "/openapi.json", Access::anyone(),
        [this](Request&, Reply& rp) {
            const auto* r = resources::find(resources(), "web/openapi.json");
            if (!r) throw AppError(Err::NotFound, "this service has no OpenAPI document");
            rp.rawJson(std::string(r->bytes));
            rp.header("Cache-Control", "public, max-age=300");
        },
        "OpenAPI document");
    // Who the staff cookie (or bearer token) signs in, and the CSRF value a
    // page sends with its changes (core/http/StaffSession.h). Served by every
    // service, so a page of any service learns it from its own origin.
    st.router.get(
        "/api/v1/session", Access::anyStaff(),
        [](Request& rq, Reply& rp) {
            const Principal& p = *rq.principal();
            Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
            o->set("username", p.subject);
            Poco::JSON::Array::Ptr roles = new Poco::JSON::Array;
            for (const auto& r : p.roles) roles->add(r);
            o->set("roles", roles);
            o->set("mustChangePassword", p.hasRole(kMustChangePasswordRole));
            o->set("expiresAt", isoUtc(p.expiresMs));
            if (p.authTimeMs > 0) o->set("signedInAt", isoUtc(p.authTimeMs));
            o->set("csrfToken", staff_session::csrfToken(p));
            o->set("cookie", rq.viaCookie());
            rp.json(o);
        },
        "The caller's staff session and its CSRF token");
    // A browser session's idle refresh from a page of this service: the
    // console alone signs staff tokens, and a page cannot call another origin
    // without CORS, so the service asks the console with the cookie's token
    // (server to server, auth.console_url) and renews the cookie here.
    if (!ownsRevocations()) {
        st.router.post(
            "/api/v1/session/refresh", Access::anyStaff(),
            [this](Request& rq, Reply& rp) {
                if (!rq.viaCookie())
                    throw AppError(Err::BadRequest,
                                   "for browser sessions (the staff cookie); API clients refresh at the console");
                const std::string& url = s_->consoleUrl;
                if (url.empty()) throw AppError(Err::Unavailable, "auth.console_url is not set: no refresh here");
                const auto token = staff_session::cookieIn(rq.header("Cookie")).value_or("");
                HttpClient client(url.rfind("https:", 0) == 0 ? tls::clientContext(s_->trustDir) : nullptr, 10);
                const HttpResult r = client.postJson(url + "/api/v1/auth/refresh", "", token);
                if (r.status == 0) throw AppError(Err::Unavailable, "the console cannot be reached: " + r.error);
                Poco::JSON::Object::Ptr answer;
                try {
                    answer = Poco::JSON::Parser().parse(r.body).extract<Poco::JSON::Object::Ptr>();
                } catch (const Poco::Exception&) {
                }
                if (r.status != 200) {
                    // The console's refusal (expired, revoked, the session's maximum age) as it said it.
                    auto e = answer ? answer->getObject("error") : nullptr;
                    throw AppError(r.status == 401 ? Err::Unauthenticated : Err::Unavailable,
                                   e ? e->optValue<std::string>("message", "refused") : "the console refused");
                }
                const std::string next = answer ? answer->optValue<std::string>("token", "") : "";
                std::string why;
                const auto p = s_->verifier->verify(next, &why);
                if (!p) throw AppError(Err::Unavailable, "the console's new token was refused here: " + why);
                rp.header("Set-Cookie", staff_session::setCookie(next));
                Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
                o->set("csrfToken", staff_session::csrfToken(*p));
                o->set("expiresAt", answer->optValue<std::string>("expiresAt", ""));
                o->set("sessionEndsAt", answer->optValue<std::string>("sessionEndsAt", ""));
                rp.json(o);
            },
            "Renew the staff cookie of a browser session through the console (idle limit)");
    }
    // What every page needs before anyone signs in: the hospital's time zone
    // (web.time_zone, an IANA name), in which pages show dates and times.
    st.router.get(
        "/api/v1/web/settings", Access::anyone(),
        [this](Request&, Reply& rp) {
            Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
            o->set("timeZone", s_->timeZone);
            o->set("service", name_);
            rp.json(o);
            rp.header("Cache-Control", "no-cache");
        },
        "Settings the pages need: the hospital's time zone");
    // Every GET no route has: the service's pages.
    st.pages = std::make_unique<StaticFiles>(resources());
    st.router.fallback(Access::anyone(), [this](Request& rq, Reply& rp) { s_->pages->serve(rq, rp); });
    st.router.get(
        "/api/v1/system/integrity", Access::staffOrService({"admin"}, {"console"}),
        [this](Request& rq, Reply& rp) {
            // parts=audit: the chain alone (the console's audit viewer asks
            // often); integrity_check reads the whole database file.
            const std::string parts = rq.query("parts").value_or("all");
            if (parts != "all" && parts != "audit") throw AppError(Err::InvalidField, "parts: all or audit", "parts");
            Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
            auto audit = s_->audit->verify(*s_->db);
            if (parts == "all") {
                std::string check = s_->db->integrityCheck();
                o->set("database", check);
                o->set("databaseOk", check == "ok");
            }
            o->set("schemaVersion", s_->db->schemaVersion());
            Poco::JSON::Object::Ptr a = new Poco::JSON::Object;
            a->set("ok", audit.ok);
            a->set("rows", audit.rows);
            if (!audit.ok) {
                a->set("firstBadSeq", audit.firstBadSeq);
                a->set("reason", audit.reason);
            }
            o->set("audit", a);
            rp.json(o);
        },
        "database integrity_check and audit chain verification");
    st.router.get(
        "/api/v1/system/audit", Access::staffOrService({"auditor", "admin"}, {"console"}),
        [this](Request& rq, Reply& rp) { serveAudit(rq, rp); },
        "this service's audit log, filtered, oldest first, as JSON or CSV");
    st.router.get(
        "/api/v1/system/backlog", Access::staffOrService({"admin"}, {"console"}),
        [this](Request&, Reply& rp) {
            const int64_t now = s_->clock.nowMs();
            Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
            for (const auto& b : s_->db->read([](db::Connection& c) { return Outbox::backlog(c); })) {
                Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
                o->set("destination", b.destination);
                o->set("pending", b.pending);
                o->set("oldestCreatedAt", isoUtc(b.oldestCreatedMs));
                o->set("oldestAgeSeconds", std::max<int64_t>(0, (now - b.oldestCreatedMs) / 1000));
                o->set("headAttempts", b.headAttempts);
                o->set("headError", b.headError.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(b.headError));
                list->add(o);
            }
            Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
            o->set("destinations", list);
            rp.json(o);
        },
        "undelivered outbox messages per destination: how many, the oldest one's age, what holds the queue");
}

void ServiceApp::serveAudit(Request& rq, Reply& rp) {
    const AuditFilter f = auditFilterFrom(rq);
    const std::string format = rq.query("format").value_or("json");
    if (format != "json" && format != "csv") throw AppError(Err::InvalidField, "format: json or csv", "format");
    const auto rows = s_->db->read([&](db::Connection& c) { return auditRows(c, f); });
    if (format == "csv") {
        rp.header("Content-Disposition", "attachment; filename=\"" + name_ + "-audit.csv\"");
        rp.content("text/csv; charset=utf-8", auditCsv(rows));
        return;
    }
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const auto& r : rows) list->add(auditRowJson(r));
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("service", name_);
    o->set("entries", list);
    // A full page may have more behind it: ask again with after=nextAfter
    // (oldest first) or before=nextBefore (newest first).
    const bool full = static_cast<int>(rows.size()) == f.limit;
    o->set("nextAfter", full && !f.newestFirst ? Poco::Dynamic::Var(rows.back().seq) : Poco::Dynamic::Var());
    o->set("nextBefore", full && f.newestFirst ? Poco::Dynamic::Var(rows.back().seq) : Poco::Dynamic::Var());
    rp.json(o);
}

int ServiceApp::main(const std::vector<std::string>&) {
    if (helpRequested_) return EXIT_OK;
    auto& st = *s_;
    Poco::Logger* log = nullptr;
    // Databases, keys and the WAL hold patient data: owner-only by default.
    // Only what peers must read (public key, certificate) is opened up below.
    ::umask(077);
    // glibc gives freed memory back to the kernel eagerly (each worker
    // thread's arena is trimmed, large blocks are unmapped); the writer's
    // SQLite pages then fault in again on the next request, a third of the
    // booking path's CPU in the benchmark (docs/benchmarks.md). Services are
    // long-lived and small: keep up to 64 MiB of free heap instead.
    ::mallopt(M_TRIM_THRESHOLD, 64 << 20);
    ::mallopt(M_MMAP_THRESHOLD, 4 << 20);
    try {
        if (!st.configFile.empty()) st.settings.loadFile(st.configFile);
        st.settings.loadEnvironment(environ);
        for (auto& [k, v] : st.overrides) st.settings.set(k, v);
        log::setup(
            st.settings.choice("log.level", "information",
                               {"trace", "debug", "information", "notice", "warning", "error", "critical", "fatal"}));
        log = &Poco::Logger::get(name_);

        st.dataDir = Poco::Path(st.settings.str("data.dir", "./data")).absolute().toString(Poco::Path::PATH_UNIX);
        if (!st.dataDir.empty() && st.dataDir.back() == '/') st.dataDir.pop_back();
        st.trustDir = st.settings.str("auth.trust_dir", st.dataDir + "/trust");
        makeDir(st.dataDir, false);
        makeDir(st.trustDir, true);
        makeDir(st.dataDir + "/run", false);

        auto& so = st.serverOptions;
        so.serviceName = name_;
        so.host = st.settings.str("http.host", "127.0.0.1");
        so.port = static_cast<int>(st.settings.integer("http.port", defaultPort_, 0, 65535));
        so.workers = static_cast<int>(st.settings.integer("http.workers", so.workers, 1, 256));
        so.workerNice = static_cast<int>(st.settings.integer("http.worker_nice", so.workerNice, 0, 19));
        so.maxConnections = static_cast<int>(st.settings.integer("http.max_connections", 10'000, 16, 1'000'000));
        so.keepAliveSeconds = static_cast<int>(st.settings.integer("http.keepalive_seconds", 30, 1, 3600));
        so.ioTimeoutSeconds = static_cast<int>(st.settings.integer("http.io_timeout_seconds", 15, 1, 600));
        so.requestTimeoutSeconds = static_cast<int>(st.settings.integer("http.request_timeout_seconds", 30, 1, 600));
        so.maxBodyBytes = static_cast<size_t>(
            st.settings.integer("http.max_body_bytes", 64 * 1024, 1024, 64 * 1024 * 1024));
        so.staffCookie = st.settings.flag("http.staff_cookie", true);
        st.portFile = st.settings.str("http.port_file", st.dataDir + "/run/" + name_ + ".port");
        if (st.settings.flag("http.tls", true)) {
            std::string cert = st.settings.str("tls.cert_file", st.dataDir + "/tls/" + name_ + ".crt");
            std::string key = st.settings.str("tls.key_file", st.dataDir + "/tls/" + name_ + ".key");
            const std::string trusted = st.trustDir + "/" + name_ + ".crt";
            const std::vector<std::string> names{"localhost", "127.0.0.1", "::1", so.host};
            const std::string commonName = "medbox " + name_;
            st.renewCertificate = [cert, key, trusted, names, commonName] {
                if (!tls::ensureSelfSigned(cert, key, names, commonName)) return false;
                // Peers trust our certificate through the shared trust folder.
                Poco::File(cert).copyTo(trusted);
                ::chmod(trusted.c_str(), 0644);
                return true;
            };
            if (!st.renewCertificate()) {  // a certificate installed by hand is trusted as it is now
                Poco::File(cert).copyTo(trusted);
                ::chmod(trusted.c_str(), 0644);
            }
            so.tls = tls::serverContext(cert, key);
            st.identity = std::make_unique<tls::ServerIdentity>(cert, key);
            st.identity->installIn(*so.tls);
        }

        std::string keyFile = st.settings.str("auth.key_file", st.dataDir + "/keys/" + name_ + ".key.pem");
        keys::ensureKeyPair(keyFile, st.trustDir + "/" + name_ + ".pub.pem");
        ::chmod((st.trustDir + "/" + name_ + ".pub.pem").c_str(), 0644);
        st.issuer = std::make_unique<TokenIssuer>(keyFile, name_, st.clock);
        TokenLimits limits;
        limits.serviceMaxSeconds = static_cast<int>(
            st.settings.integer("auth.service_token_max_seconds", 300, 60, 3600));
        for (const auto& id :
             Poco::StringTokenizer(st.settings.str("auth.refused_token_ids", ""), ",",
                                   Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY))
            limits.refusedIds.push_back(id);
        st.verifier = std::make_unique<TokenVerifier>(st.trustDir, st.clock, "medbox", &st.revocations,
                                                      std::move(limits));

        db::Options dbo;
        dbo.path = st.settings.str("db.path", st.dataDir + "/" + name_ + ".db");
        dbo.readers = static_cast<int>(st.settings.integer("db.readers", 4, 1, 64));
        dbo.synchronous = st.settings.choice("db.synchronous", "FULL", {"NORMAL", "FULL", "EXTRA"});
        dbo.busyTimeoutMs = static_cast<int>(st.settings.integer("db.busy_timeout_ms", 5000, 0, 600'000));
        st.db = std::make_unique<db::Database>(dbo, db::migrationsFrom(resources()));
        st.audit = std::make_unique<AuditLog>(st.clock, dbo.path + ".audit-head");

        DispatcherOptions dop;
        for (const auto& dest : st.settings.children("outbox.destinations"))
            dop.urls[dest] = st.settings.required("outbox.destinations." + dest + ".url");
        dop.pollMs = st.settings.integer("outbox.poll_ms", 1000, 10, 3'600'000);
        constexpr int64_t kDayMs = 86'400'000;
        dop.keepDeliveredMs = st.settings.integer("outbox.keep_delivered_days", 7, 1, 3650) * kDayMs;
        dop.keepInboxMs = st.settings.integer("inbox.keep_days", 30, 1, 3650) * kDayMs;
        st.dispatcher = std::make_unique<Dispatcher>(*st.db, st.clock, dop, name_, st.issuer.get(),
                                                     tls::clientContext(st.trustDir), &st.metrics);

        // Revoked staff tokens: the console keeps the list, the others copy it.
        st.metrics.gauge("medbox_auth_revocation_entries", "Revoked staff tokens and users this service refuses.",
                         [&set = st.revocations] { return static_cast<double>(set.size()); });
        if (!ownsRevocations()) {
            RevocationPollerOptions rop;
            rop.consoleUrl = consoleUrl(st.settings);
            st.consoleUrl = rop.consoleUrl;
            rop.pollMs = st.settings.integer("auth.revocation_poll_ms", rop.pollMs, 100, 60'000);
            rop.trustDir = st.trustDir;
            if (rop.consoleUrl.empty()) {
                log->warning(
                    "auth.console_url is not set: revoked staff tokens (logout, disabled account, changed "
                    "password or roles) are not followed and stay valid until they expire");
            } else {
                st.revocationPoller = std::make_unique<RevocationPoller>(st.revocations, st.clock, rop, name_,
                                                                         *st.issuer, &st.metrics);
            }
        }

        st.ctx.reset(new ServiceContext{name_, st.settings, *st.db, st.clock, *st.audit, st.metrics, *st.issuer,
                                        *st.verifier, st.revocations, st.dispatcher.get(), Poco::Logger::get(name_),
                                        st.dataDir, st.trustDir});
        st.timeZone = st.settings.str("web.time_zone", "Asia/Shanghai");
        if (!validTimeZone(st.timeZone))
            throw ConfigError("web.time_zone: an IANA time zone name such as Asia/Shanghai, got '" + st.timeZone + "'");
        configure(st.settings);
        registerCoreRoutes();
        registerRoutes(st.router, *st.ctx);
        st.settings.rejectUnknownKeys();
    } catch (const ConfigError& e) {
        std::cerr << "medbox-" << name_ << ": configuration error: " << e.message() << std::endl;
        return kExitConfig;
    } catch (const db::DbError& e) {
        std::cerr << "medbox-" << name_ << ": database error: " << e.what() << std::endl;
        return kExitCantCreate;
    } catch (const Poco::Exception& e) {
        std::cerr << "medbox-" << name_ << ": cannot start: " << e.displayText() << std::endl;
        return kExitSoftware;
    } catch (const std::exception& e) {
        std::cerr << "medbox-" << name_ << ": cannot start: " << e.what() << std::endl;
        return kExitSoftware;
    }

    // Before listening: a restarted service must not accept, even for its
    // first seconds, a token revoked while it was down. A console that does
    // not answer costs at most the poll's timeout (the poller says why).
    if (st.revocationPoller) st.revocationPoller->pollOnce();

    try {
        st.server = std::make_unique<Server>(st.serverOptions, st.router, st.verifier.get(), &st.metrics);
        st.server->start();
        files::writeAtomically(st.portFile, std::to_string(st.server->port()) + "\n", 0644, false);
    } catch (const Poco::Exception& e) {
        std::cerr << "medbox-" << name_ << ": cannot listen on " << st.serverOptions.host << ":"
                  << st.serverOptions.port << ": " << e.displayText() << std::endl;
        return kExitSoftware;
    } catch (const std::exception& e) {
        std::cerr << "medbox-" << name_ << ": cannot listen on " << st.serverOptions.host << ":"
                  << st.serverOptions.port << ": " << e.what() << std::endl;
        return kExitSoftware;
    }
    for (auto& l : st.listeners) {
        const auto& lo = l->options();
        std::string failed;
        try {
            l->start();
        } catch (const Poco::Exception& e) {
            failed = e.displayText();
        } catch (const std::exception& e) {
            failed = e.what();
        }
        if (!failed.empty()) {
            std::cerr << "medbox-" << name_ << ": cannot listen (" << lo.name << ") on " << lo.host << ":" << lo.port
                      << ": " << failed << std::endl;
            return kExitSoftware;
        }
        log->information("%s listening on %s:%d", lo.name, lo.host, l->port());
    }
    st.dispatcher->start();
    if (st.revocationPoller) st.revocationPoller->start();
    started(*st.ctx);
    std::string where = std::string(st.serverOptions.tls ? "https://" : "http://") + st.serverOptions.host + ":" +
                        std::to_string(st.server->port());
    log->information("listening on %s (data %s)", where, st.dataDir);
    notify::ready("serving on " + where);

    // A self-signed certificate is made anew 30 days before it expires and
    // served from the next handshake on; checked twice a day.
    if (st.identity) {
        st.certificateRenewal = std::make_unique<PeriodicJob>(
            "renewal of the self-signed TLS certificate", st.clock, 12 * 3600 * 1000LL,
            [&st, log] {
                if (!st.renewCertificate()) return;
                st.identity->reload();
                log->notice("renewed the self-signed TLS certificate");
            },
            *log);
        st.certificateRenewal->start();
    }

    // Pet the watchdog only while the event loop turns: a wedged server is restarted.
    if (int64_t interval = notify::watchdogIntervalMs(); interval > 0) {
        st.watchdog = std::thread([&st, interval] {
            std::unique_lock lock(st.watchdogMutex);
            while (!st.shuttingDown) {
                std::vector<int64_t> loops{st.server->lastLoopMs()};
                for (const auto& l : st.listeners) loops.push_back(l->lastLoopMs());
                if (everyLoopTurned(steadyMs(), interval, loops)) notify::watchdog();
                st.watchdogCv.wait_for(lock, std::chrono::milliseconds(interval / 3));
            }
        });
    }

    waitForTerminationRequest();
    log->information("stopping");
    notify::stopping();
    {
        std::lock_guard lock(st.watchdogMutex);
        st.shuttingDown = true;
    }
    st.watchdogCv.notify_all();
    if (st.watchdog.joinable()) st.watchdog.join();
    if (st.certificateRenewal) st.certificateRenewal->stop();
    for (auto& l : st.listeners) l->stop();
    stopping();
    st.dispatcher->stop();
    if (st.revocationPoller) st.revocationPoller->stop();
    st.server->stop();
    std::remove(st.portFile.c_str());
    return EXIT_OK;
}

}  // namespace medbox
