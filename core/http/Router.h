#pragma once
// Routes are registered in one place per service (Routes.cpp) and tried in
// order. A pattern is a path with {name} segments: "/api/v1/slots/{id}".
// Dispatch authenticates the bearer token, checks the route's Access, runs
// the handler and renders AppError as the one error shape.
#include "core/http/Access.h"
#include "core/error/ErrorCodes.h"
#include "core/http/Request.h"
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace medbox {

class TokenVerifier;
class Metrics;

using Handler = std::function<void(Request&, Reply&)>;

struct RouteInfo {
    std::string method;
    std::string pattern;
    Access access;
    std::string summary;
};

class Router {
public:
    void add(std::string method, std::string pattern, Access access, Handler handler, std::string summary = {});
    void get(std::string p, Access a, Handler h, std::string s = {}) {
        add("GET", std::move(p), std::move(a), std::move(h), std::move(s));
    }
    void post(std::string p, Access a, Handler h, std::string s = {}) {
        add("POST", std::move(p), std::move(a), std::move(h), std::move(s));
    }
    void put(std::string p, Access a, Handler h, std::string s = {}) {
        add("PUT", std::move(p), std::move(a), std::move(h), std::move(s));
    }
    void patch(std::string p, Access a, Handler h, std::string s = {}) {
        add("PATCH", std::move(p), std::move(a), std::move(h), std::move(s));
    }
    void del(std::string p, Access a, Handler h, std::string s = {}) {
        add("DELETE", std::move(p), std::move(a), std::move(h), std::move(s));
    }

    // GET and HEAD of a path no route has: the service's pages
    // (core/http/StaticFiles.h). Not listed by routes(): it is no API.
    void fallback(Access access, Handler handler);

    std::vector<RouteInfo> routes() const;

    // Told about every request whose token was accepted, once it is
    // answered (refusals included), with the status: how a service records
    // what a kind of caller did (the console: every vendor request, docs/console.md).
    // Set before the server starts; called on worker threads; must not throw.
    using Observer =
        std::function<void(const Principal& who, const std::string& method, const std::string& path, int status)>;
    void observe(Observer observer) { observer_ = std::move(observer); }
    const Observer& observer() const { return observer_; }
    // Visits the router's own route records (stable addresses: match() returns them).
    template <class F>
    void each(F&& f) const {
        for (const auto& r : routes_) f(r.info);
    }

    struct Match {
        const RouteInfo* route = nullptr;
        const Handler* handler = nullptr;
        // No route for this method, but the path has some: the methods it
        // has, for a 405's Allow header (GET brings HEAD).
        std::vector<std::string> allowed;
    };
    Match match(const std::string& method, const std::string& path, std::map<std::string, std::string>& params) const;

private:
    struct Route {
        RouteInfo info;
        std::vector<std::string> segments;  // "{x}" for parameters
        Handler handler;
    };
    std::vector<Route> routes_;
    std::optional<Route> fallback_;
    Observer observer_{};
};

// Binds a service's one Handlers object to its routes (Routes.cpp):
//   const auto bind = methodsOf(std::make_shared<Handlers>(env));
//   r.get("/api/v1/notes", access, bind(&Handlers::listNotes), "List notes");
// Every route holds a reference to the object, which lives as long as the router.
template <class H>
auto methodsOf(std::shared_ptr<H> handlers) {
    return [handlers](void (H::*method)(Request&, Reply&)) -> Handler {
        return [handlers, method](Request& rq, Reply& rp) { ((*handlers).*method)(rq, rp); };
    };
}

// Renders the one error shape.
std::string errorJson(Err err, const std::string& message, const std::string& field);

}  // namespace medbox
