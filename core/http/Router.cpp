#include "core/http/Router.h"

#include <Poco/JSON/Object.h>

#include <algorithm>
#include <sstream>

namespace medbox {

namespace {
std::vector<std::string> split(const std::string& path) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i < path.size()) {
        if (path[i] == '/') {
            ++i;
            continue;
        }
        size_t j = path.find('/', i);
        if (j == std::string::npos) j = path.size();
        out.push_back(path.substr(i, j - i));
        i = j;
    }
    return out;
}
bool isParam(const std::string& seg) { return seg.size() > 2 && seg.front() == '{' && seg.back() == '}'; }

}  // namespace

void Router::add(std::string method, std::string pattern, Access access, Handler handler, std::string summary) {
    Route r{RouteInfo{std::move(method), pattern, std::move(access), std::move(summary)}, split(pattern),
            std::move(handler)};
    routes_.push_back(std::move(r));
}

void Router::fallback(Access access, Handler handler) {
    fallback_ = Route{RouteInfo{"GET", "/{page...}", std::move(access), "pages"}, {}, std::move(handler)};
}

std::vector<RouteInfo> Router::routes() const {
    std::vector<RouteInfo> out;
    for (const auto& r : routes_) out.push_back(r.info);
    return out;
}

Router::Match Router::match(const std::string& method, const std::string& path,
                            std::map<std::string, std::string>& params) const {
    Match m;
    auto segs = split(path);
    for (const auto& r : routes_) {
        if (r.segments.size() != segs.size()) continue;
        std::map<std::string, std::string> found;
        bool ok = true;
        for (size_t i = 0; i < segs.size() && ok; ++i) {
            if (isParam(r.segments[i]))
                found[r.segments[i].substr(1, r.segments[i].size() - 2)] = segs[i];
            else
                ok = r.segments[i] == segs[i];
        }
        if (!ok) continue;
        if (r.info.method != method && !(method == "HEAD" && r.info.method == "GET")) {
            for (const std::string& other : {r.info.method, std::string(r.info.method == "GET" ? "HEAD" : "")})
                if (!other.empty() && std::find(m.allowed.begin(), m.allowed.end(), other) == m.allowed.end())
                    m.allowed.push_back(other);
            continue;
        }
        params = std::move(found);
        m.route = &r.info;
        m.handler = &r.handler;
        return m;
    }
    if (fallback_ && m.allowed.empty() && (method == "GET" || method == "HEAD")) {
        m.route = &fallback_->info;
        m.handler = &fallback_->handler;
    }
    return m;
}

std::string errorJson(Err err, const std::string& message, const std::string& field) {
    Poco::JSON::Object::Ptr e = new Poco::JSON::Object;
    e->set("code", std::string(errInfo(err).code));
    e->set("message", message);
    if (!field.empty()) e->set("field", field);
    Poco::JSON::Object root;
    root.set("error", e);
    std::ostringstream os;
    root.stringify(os);
    return os.str();
}

}  // namespace medbox
