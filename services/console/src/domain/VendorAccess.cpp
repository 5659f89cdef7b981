#include "domain/VendorAccess.h"

#include "domain/VendorRules.h"
#include "store/VendorStore.h"

#include "core/error/AppError.h"

#include <Poco/JSON/Array.h>
#include <Poco/Logger.h>

#include <chrono>
#include <sstream>

namespace medbox::console {

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

// The live list keeps this many vendor requests (the audit log keeps all).
constexpr size_t kActivityKept = 500;

std::string toText(const Object::Ptr& o) {
    std::ostringstream s;
    o->stringify(s);
    return s.str();
}

void check(const std::string& why, const std::string& field) {
    if (!why.empty()) throw AppError(Err::InvalidField, field + " " + why, field);
}

Object::Ptr windowJson(const store::VendorWindowRow& w) {
    Object::Ptr o = new Object;
    o->set("id", w.id);
    o->set("state", w.state);
    o->set("minutes", w.minutes);
    o->set("reason", w.reason);
    o->set("ticket", w.ticket);
    o->set("requestedBy", w.requestedBy);
    o->set("requestedAtMs", w.requestedAtMs);
    if (!w.approvedBy.empty()) o->set("approvedBy", w.approvedBy);
    if (w.openedAtMs) o->set("openedAtMs", *w.openedAtMs);
    if (w.endsAtMs) o->set("endsAtMs", *w.endsAtMs);
    if (w.closedAtMs) o->set("closedAtMs", *w.closedAtMs);
    if (!w.closedBy.empty()) o->set("closedBy", w.closedBy);
    if (!w.closeReason.empty()) o->set("closeReason", w.closeReason);
    return o;
}

std::string windowTarget(int64_t id) { return "vendor_window:" + std::to_string(id); }

}  // namespace

VendorAccess::VendorAccess(ConsoleEnv& env, Revocations& revocations, std::unique_ptr<SetupHelper> helper)
    : env_(env), revocations_(revocations), helper_(std::move(helper)) {}

VendorAccess::~VendorAccess() { stop(); }

void VendorAccess::audit(const std::string& actor, const std::string& action, const std::string& target,
                         const Object::Ptr& detail, const std::string& outcome) {
    env_.db.write([&](db::Tx& tx) {
        env_.effects.auditIn(tx, {actor, action, target, outcome, detail ? toText(detail) : "{}"});
    });
}

std::string VendorAccess::applianceKey() {
    std::lock_guard lock(keyMutex_);
    if (publicKey_.empty()) {
        // Made by the helper on the appliance the first time; the private
        // key stays in its root-only file.
        const auto answer = helper_->call("vendor-key", new Object);
        publicKey_ = answer->optValue<std::string>("publicKey", "");
    }
    return publicKey_;
}

Object::Ptr VendorAccess::state() {
    const auto& cfg = env_.config.vendor;
    Object::Ptr o = new Object;
    o->set("now", env_.now());
    o->set("maxWindowMinutes", cfg.maxWindowMinutes);
    o->set("requireApproval", cfg.requireApproval);
    Object::Ptr appliance = new Object;
    try {
        appliance->set("publicKey", applianceKey());
    } catch (const AppError& e) {
        // The page still shows the rest; the admin sees why there is no key.
        appliance->set("publicKeyError", std::string(e.what()));
    }
    appliance->set("endpoint", cfg.endpoint);
    appliance->set("address", cfg.address);
    appliance->set("listenPort", cfg.listenPort);
    appliance->set("interface", cfg.interface);
    o->set("appliance", appliance);
    env_.db.read([&](db::Connection& c) {
        if (const auto peer = store::vendorPeer(c)) {
            Object::Ptr p = new Object;
            p->set("publicKey", peer->publicKey);
            p->set("address", peer->address);
            p->set("registeredBy", peer->registeredBy);
            p->set("registeredAtMs", peer->registeredAtMs);
            o->set("peer", p);
        } else {
            o->set("peer", Poco::Dynamic::Var());
        }
        const auto live = store::liveVendorWindow(c);
        o->set("window", live ? Poco::Dynamic::Var(windowJson(*live)) : Poco::Dynamic::Var());
        Array::Ptr recent = new Array;
        for (const auto& w : store::recentVendorWindows(c, 20)) recent->add(windowJson(w));
        o->set("recent", recent);
    });
    return o;
}

Object::Ptr VendorAccess::registerPeer(const std::string& by, const std::string& publicKey,
                                       const std::string& address) {
    check(vendor_rules::checkWireGuardKey(publicKey), "publicKey");
    const auto tunnel = vendor_rules::parseTunnel(env_.config.vendor.address);
    check(vendor_rules::checkPeerAddress(address, *tunnel), "address");
    std::lock_guard lock(change_);
    env_.db.write([&](db::Tx& tx) {
        // Changing the key under an open window would leave the old key's
        // tunnel up: close first.
        if (const auto live = store::liveVendorWindow(tx.conn()))
            throw AppError(Err::Conflict, "close the vendor window before changing the vendor's key");
        store::setVendorPeer(tx.conn(), {publicKey, address, by, env_.now()});
        Object::Ptr d = new Object;
        d->set("publicKey", publicKey);
        d->set("address", address);
        env_.effects.auditIn(tx, {"staff:" + by, "vendor.peer_register", "vendor_peer", "ok", toText(d)});
    });
    return state();
}

Object::Ptr VendorAccess::open(const std::string& by, int64_t minutes, const std::string& reason,
                               const std::string& ticket) {
    const auto& cfg = env_.config.vendor;
    check(vendor_rules::checkMinutes(minutes, cfg.maxWindowMinutes), "minutes");
    check(vendor_rules::checkReason(reason), "reason");
    check(vendor_rules::checkTicket(ticket), "ticket");
    std::lock_guard lock(change_);
    int64_t id = 0;
    env_.db.write([&](db::Tx& tx) {
        if (!store::vendorPeer(tx.conn())) throw AppError(Err::Conflict, "register the vendor's WireGuard key first");
        if (store::liveVendorWindow(tx.conn()))
            throw AppError(Err::Conflict, "a vendor window is already open or awaiting approval");
        store::VendorWindowRow row;
        // Marked open by openNow() once the helper has done it.
        row.state = "awaiting_approval";
        row.minutes = minutes;
        row.reason = reason;
        row.ticket = ticket;
        row.requestedBy = by;
        row.requestedAtMs = env_.now();
        id = store::insertVendorWindow(tx.conn(), row);
        Object::Ptr d = new Object;
        d->set("minutes", minutes);
        d->set("reason", reason);
        d->set("ticket", ticket);
        d->set("needsApproval", cfg.requireApproval);
        env_.effects.auditIn(tx, {"staff:" + by, "vendor.window_request", windowTarget(id), "ok", toText(d)});
    });
    if (cfg.requireApproval) return state();
    return openNow(by, id, minutes, "");
}

Object::Ptr VendorAccess::approve(const std::string& by, int64_t id) {
    std::lock_guard lock(change_);
    const auto w = env_.db.read([&](db::Connection& c) { return store::vendorWindow(c, id); });
    if (!w) throw AppError(Err::NotFound, "no vendor window " + std::to_string(id));
    if (w->state != "awaiting_approval") throw AppError(Err::Conflict, "the window is not awaiting approval");
    if (w->requestedBy == by) throw AppError(Err::Forbidden, "a second admin must approve: the one who asked cannot");
    return openNow(by, id, w->minutes, by);
}

// With change_ held.
Object::Ptr VendorAccess::openNow(const std::string& by, int64_t id, int64_t minutes, const std::string& approvedBy) {
    const auto& cfg = env_.config.vendor;
    const auto peer = env_.db.read([&](db::Connection& c) { return store::vendorPeer(c); });
    Object::Ptr args = new Object;
    args->set("interface", cfg.interface);
    args->set("address", cfg.address);
    args->set("listenPort", cfg.listenPort);
    args->set("peerKey", peer->publicKey);
    args->set("peerAddress", peer->address);
    args->set("seconds", minutes * 60);
    try {
        helper_->call("vendor-open", args);
    } catch (const AppError& e) {
        Object::Ptr d = new Object;
        d->set("error", std::string(e.what()));
        env_.db.write([&](db::Tx& tx) {
            store::markVendorWindowClosed(tx.conn(), id, env_.now(), by, "failed");
            env_.effects.auditIn(tx, {"staff:" + by, "vendor.window_open", windowTarget(id), "failed", toText(d)});
        });
        throw;
    }
    const int64_t now = env_.now();
    env_.db.write([&](db::Tx& tx) {
        store::markVendorWindowOpen(tx.conn(), id, approvedBy, now, now + minutes * 60'000);
        Object::Ptr d = new Object;
        d->set("minutes", minutes);
        d->set("endsAtMs", now + minutes * 60'000);
        d->set("peerAddress", peer->address);
        if (!approvedBy.empty()) d->set("approvedBy", approvedBy);
        env_.effects.auditIn(tx, {"staff:" + by, "vendor.window_open", windowTarget(id), "ok", toText(d)});
    });
    return state();
}

Object::Ptr VendorAccess::close(const std::string& by, int64_t id) {
    std::lock_guard lock(change_);
    const auto w = env_.db.read([&](db::Connection& c) { return store::vendorWindow(c, id); });
    if (!w) throw AppError(Err::NotFound, "no vendor window " + std::to_string(id));
    if (w->state == "closed") throw AppError(Err::Conflict, "the window is closed already");
    endWindow(id, by, w->state == "open" ? "closed" : "cancelled");
    return state();
}

// With change_ held. The row is closed whatever the helper says: the
// firewall's timeout ends the zone anyway, and a failed tunnel removal is
// retried by the checker (tunnelDirty_).
void VendorAccess::endWindow(int64_t id, const std::string& by, const std::string& reason) {
    if (reason != "cancelled") closeTunnel();
    env_.db.write([&](db::Tx& tx) {
        store::markVendorWindowClosed(tx.conn(), id, env_.now(), by, reason);
        Object::Ptr d = new Object;
        d->set("reason", reason);
        d->set("tunnelRemoved", !tunnelDirty_);
        env_.effects.auditIn(tx, {by.empty() ? "system" : "staff:" + by, "vendor.window_close", windowTarget(id), "ok",
                                  toText(d)});
        // Whatever a vendor signed in with ends now, on every service.
        for (const auto& user : store::vendorAccounts(tx.conn()))
            revocations_.revokeUser(tx, user, by.empty() ? "system" : by, "vendor_window_closed");
    });
}

void VendorAccess::closeTunnel() {
    const auto peer = env_.db.read([&](db::Connection& c) { return store::vendorPeer(c); });
    // No vendor was ever registered: no window was ever opened, no tunnel
    // made (the helper is not even asked: most consoles never use it).
    if (!peer) {
        tunnelDirty_ = false;
        return;
    }
    Object::Ptr args = new Object;
    args->set("interface", env_.config.vendor.interface);
    args->set("peerAddress", peer->address);
    try {
        helper_->call("vendor-close", args);
        tunnelDirty_ = false;
    } catch (const AppError& e) {
        tunnelDirty_ = true;
        Poco::Logger::get("console.vendor").error("removing the vendor tunnel failed: %s", std::string(e.what()));
    }
}

void VendorAccess::expire() {
    std::lock_guard lock(change_);
    const auto live = env_.db.read([&](db::Connection& c) { return store::liveVendorWindow(c); });
    if (live && live->state == "open" && live->endsAtMs && *live->endsAtMs <= env_.now())
        endWindow(live->id, "", "expired");
    else if (tunnelDirty_ && (!live || live->state != "open"))
        closeTunnel();
}

void VendorAccess::reconcile() {
    expire();
    std::lock_guard lock(change_);
    const auto live = env_.db.read([&](db::Connection& c) { return store::liveVendorWindow(c); });
    if (!live || live->state != "open") {
        // A tunnel left behind (the console died between the helper's open
        // and the row, or a close failed): removed.
        closeTunnel();
        return;
    }
    // An open window whose tunnel is gone (the appliance restarted): back
    // for the time it has left.
    Object::Ptr args = new Object;
    args->set("interface", env_.config.vendor.interface);
    bool up = true;
    try {
        up = helper_->call("vendor-state", args)->optValue<bool>("up", true);
    } catch (const AppError& e) {
        Poco::Logger::get("console.vendor").error("vendor tunnel state unknown: %s", std::string(e.what()));
    }
    if (up) return;
    const auto peer = env_.db.read([&](db::Connection& c) { return store::vendorPeer(c); });
    const int64_t seconds = (*live->endsAtMs - env_.now() + 999) / 1000;
    if (!peer || seconds <= 0) return;
    Object::Ptr open = new Object;
    open->set("interface", env_.config.vendor.interface);
    open->set("address", env_.config.vendor.address);
    open->set("listenPort", env_.config.vendor.listenPort);
    open->set("peerKey", peer->publicKey);
    open->set("peerAddress", peer->address);
    open->set("seconds", seconds);
    try {
        helper_->call("vendor-open", open);
        Object::Ptr d = new Object;
        d->set("seconds", seconds);
        audit("system", "vendor.window_restore", windowTarget(live->id), d);
    } catch (const AppError& e) {
        Poco::Logger::get("console.vendor").error("restoring the vendor tunnel failed: %s", std::string(e.what()));
    }
}

bool VendorAccess::windowOpen() {
    const auto live = env_.db.read([&](db::Connection& c) { return store::liveVendorWindow(c); });
    return live && live->state == "open" && live->endsAtMs && env_.now() < *live->endsAtMs;
}

void VendorAccess::admitSignIn(const std::string& username, const std::string& tokenId, int64_t expiresMs) {
    if (windowOpen()) return;
    env_.db.write([&](db::Tx& tx) {
        // The token was made by the sign-in a moment ago: it ends unused.
        revocations_.revokeToken(tx, username, tokenId, expiresMs);
        env_.effects.auditIn(tx, {"staff:" + username, "vendor.signin_refused", "vendor_window", "denied", "{}"});
    });
    throw AppError(Err::Forbidden, "vendor access is closed: an administrator must open a vendor window first");
}

void VendorAccess::recordRequest(const std::string& user, const std::string& method, const std::string& path,
                                 int status) {
    VendorRequest r{0, env_.now(), user, method, path.substr(0, 200), status};
    {
        std::lock_guard lock(activityMutex_);
        r.seq = nextSeq_++;
        activity_.push_back(r);
        if (activity_.size() > kActivityKept) activity_.pop_front();
    }
    try {
        Object::Ptr d = new Object;
        d->set("method", r.method);
        d->set("path", r.path);
        d->set("status", status);
        audit("staff:" + user, "vendor.request", r.method + " " + r.path, d, status < 400 ? "ok" : "denied");
    } catch (const std::exception& e) {
        Poco::Logger::get("console.vendor").error("auditing a vendor request failed: %s", std::string(e.what()));
    }
}

Object::Ptr VendorAccess::activity(int64_t afterSeq, int limit) {
    Object::Ptr o = new Object;
    Array::Ptr items = new Array;
    int64_t last = afterSeq;
    {
        std::lock_guard lock(activityMutex_);
        for (const auto& r : activity_) {
            if (r.seq <= afterSeq) continue;
            if (static_cast<int>(items->size()) >= limit) break;
            Object::Ptr i = new Object;
            i->set("seq", r.seq);
            i->set("atMs", r.atMs);
            i->set("user", r.user);
            i->set("method", r.method);
            i->set("path", r.path);
            i->set("status", r.status);
            items->add(i);
            last = r.seq;
        }
    }
    o->set("items", items);
    o->set("next", last);
    return o;
}

void VendorAccess::start(Poco::Logger& logger) {
    std::lock_guard lock(runMutex_);
    if (checker_.joinable()) return;
    stopping_ = false;
    checker_ = std::thread([this, &logger] {
        std::unique_lock lk(runMutex_);
        while (!stopping_) {
            wake_.wait_for(lk, std::chrono::seconds(env_.config.vendor.checkSeconds), [this] { return stopping_; });
            if (stopping_) break;
            lk.unlock();
            try {
                expire();
            } catch (const std::exception& e) {
                logger.error("vendor window check failed: %s", std::string(e.what()));
            }
            lk.lock();
        }
    });
}

void VendorAccess::stop() {
    {
        std::lock_guard lock(runMutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (checker_.joinable()) checker_.join();
}

}  // namespace medbox::console
