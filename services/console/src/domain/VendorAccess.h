#pragma once
// Vendor access over WireGuard (issue 12 §5; docs/console.md "Vendor
// access"). Off by default. An admin registers the vendor's WireGuard public
// key and tunnel address, then opens an access window (minutes up to
// console.vendor.max_window_minutes, a reason, the service-desk ticket);
// with console.vendor.require_approval a second admin approves it first.
// Only while a window is open does the privileged helper keep the vendor's
// WireGuard peer up and the firewall's vendor zone open to the console's
// port (medbox-firewall window, with the window's time as the kernel's
// timeout), and only then may a vendor account sign in. Every request a
// vendor account makes is audited (vendor.request) and kept for the page's
// live list.
//
// The end of a window, three ways, each enough for what it guards:
// - the firewall's set element carries the window's time as its kernel
//   timeout: the zone closes to the second even if the console is down;
// - the console's checker thread (every console.vendor.check_seconds)
//   closes windows whose time ran out: the helper removes the tunnel (and
//   with it the peer), the vendor's tokens are revoked;
// - at start, the console reconciles: a window that ended while it was down
//   is closed now, an open one whose tunnel is gone (a reboot) is brought
//   back for the time it has left, and with no window open any leftover
//   tunnel is removed.
//
// Owned by ConsoleApp for the process lifetime; thread-safe.
#include "domain/ConsoleEnv.h"
#include "domain/Revocations.h"
#include "domain/SetupHelperClient.h"

#include <Poco/JSON/Object.h>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace Poco {
class Logger;
}

namespace medbox::console {

struct VendorRequest {
    int64_t seq = 0;
    int64_t atMs = 0;
    std::string user;
    std::string method;
    std::string path;
    int status = 0;
};

class VendorAccess {
public:
    VendorAccess(ConsoleEnv& env, Revocations& revocations, std::unique_ptr<SetupHelper> helper);
    ~VendorAccess();

    // {enabled settings, appliance {publicKey, endpoint, address, listenPort},
    //  peer, window (the live one or null), recent [..], now}
    Poco::JSON::Object::Ptr state();
    Poco::JSON::Object::Ptr registerPeer(const std::string& by, const std::string& publicKey,
                                         const std::string& address);
    // Opens at once, or waits for a second admin (require_approval).
    Poco::JSON::Object::Ptr open(const std::string& by, int64_t minutes, const std::string& reason,
                                 const std::string& ticket);
    Poco::JSON::Object::Ptr approve(const std::string& by, int64_t id);
    // Closes an open window, or cancels one awaiting approval.
    Poco::JSON::Object::Ptr close(const std::string& by, int64_t id);

    // Closes windows whose time has run out (the checker calls it; tests too).
    void expire();
    // At start, before serving: see the header comment.
    void reconcile();

    // Now inside an open window.
    bool windowOpen();
    // After a vendor account's password (and code) were accepted: throws
    // AppError(Forbidden) outside a window, audited, the token just made
    // (tokenId, expiring at expiresMs) revoked -- that token only: a cut-off
    // for the whole account would push the next sign-in's iat into the next
    // second, past a window close in this one.
    void admitSignIn(const std::string& username, const std::string& tokenId, int64_t expiresMs);
    // Every request of a vendor account (the router's observer): audited
    // and kept for activity(). Never throws.
    void recordRequest(const std::string& user, const std::string& method, const std::string& path, int status);
    // Vendor requests after `afterSeq` (the page follows with it), oldest first.
    Poco::JSON::Object::Ptr activity(int64_t afterSeq, int limit);

    void start(Poco::Logger& logger);
    void stop();

private:
    Poco::JSON::Object::Ptr openNow(const std::string& by, int64_t id, int64_t minutes, const std::string& approvedBy);
    void endWindow(int64_t id, const std::string& by, const std::string& reason);
    void closeTunnel();
    std::string applianceKey();
    void audit(const std::string& actor, const std::string& action, const std::string& target,
               const Poco::JSON::Object::Ptr& detail, const std::string& outcome = "ok");

    ConsoleEnv& env_;
    Revocations& revocations_;
    std::unique_ptr<SetupHelper> helper_;
    // One change at a time: helper call and database row agree.
    std::mutex change_;
    std::mutex keyMutex_;
    std::string publicKey_;     // cached once the helper made it
    bool tunnelDirty_ = false;  // a close that the helper failed: retried by the checker

    std::mutex activityMutex_;
    std::deque<VendorRequest> activity_;
    int64_t nextSeq_ = 1;

    std::mutex runMutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread checker_;
};

}  // namespace medbox::console
