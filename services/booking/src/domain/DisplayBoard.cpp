#include "domain/DisplayBoard.h"
#include "core/error/AppError.h"
#include "core/http/JsonText.h"
#include "store/CatalogueStore.h"
#include "store/ScheduleStore.h"
#include <set>
#include <vector>

namespace medbox::booking {

namespace {

size_t utf8Length(unsigned char c) {
    if (c < 0x80) return 1;
    if ((c >> 5) == 0x6) return 2;
    if ((c >> 4) == 0xe) return 3;
    if ((c >> 3) == 0x1e) return 4;
    return 1;
}

}  // namespace

std::string screenName(std::string_view fullName) {
    std::vector<std::string_view> chars;
    for (size_t i = 0; i < fullName.size();) {
        const size_t len = std::min(utf8Length(static_cast<unsigned char>(fullName[i])), fullName.size() - i);
        chars.push_back(fullName.substr(i, len));
        i += len;
    }
    if (chars.empty()) return {};
    if (chars.size() == 1) return "*";
    std::string out(chars.front());
    // Two characters keep only the family name: 张* (the last would be half the name).
    for (size_t i = 1; i + 1 < chars.size(); ++i) out += '*';
    if (chars.size() == 2)
        out += '*';
    else
        out += chars.back();
    return out;
}

std::string DisplayBoard::cached(const std::string& key, const std::function<std::string()>& render) {
    const int64_t now = env_.now();
    {
        std::lock_guard lock(mu_);
        auto it = cache_.find(key);
        if (it != cache_.end() && it->second.expiresAt > now) return it->second.body;
        if (now - windowStart_ >= 1000) {
            windowStart_ = now;
            rendersInWindow_ = 0;
        }
        if (++rendersInWindow_ > maxRenders_)
            throw AppError(Err::RateLimited, "too many waiting-room screen requests; try again in a second");
    }
    std::string body = render();
    std::lock_guard lock(mu_);
    // Room codes are bounded by what the database holds, but the key comes
    // from the URL: keep the table small whatever is asked.
    if (cache_.size() > 512) cache_.clear();
    cache_[key] = Entry{now + ttlMs_, body};
    return body;
}

std::string DisplayBoard::renderRoom(const std::string& room) {
    const std::string date = env_.today();
    json::ObjectWriter o;
    o.string("room", room).string("date", date);
    std::optional<QueueState> q;
    try {
        q = queue_.state(room);
    } catch (const AppError& e) {
        // No session in the room today: the screen says so, it is no error.
        if (e.err() != Err::NotFound) throw;
    }
    o.boolean("open", q.has_value());
    if (q && q->current) {
        const Appointment& a = *q->current;
        json::ObjectWriter c;
        if (a.queueNo)
            c.number("queueNo", *a.queueNo);
        else
            c.null("queueNo");
        c.string("name", screenName(a.patientName)).number("callCount", a.callCount);
        if (a.calledAt)
            c.string("calledAt", env_.time.iso(*a.calledAt));
        else
            c.null("calledAt");
        o.raw("current", c.done());
    } else {
        o.null("current");
    }
    o.number("waitingCount", q ? static_cast<int64_t>(q->waiting.size()) : 0);
    return o.done();
}

std::string DisplayBoard::room(const std::string& room) {
    return cached("r:" + room, [&] { return renderRoom(room); });
}

std::string DisplayBoard::department(int64_t departmentId) {
    return cached("d:" + std::to_string(departmentId), [&] {
        const std::string date = env_.today();
        Department d;
        std::set<std::string> rooms;
        env_.db.read([&](db::Connection& c) {
            auto found = store::findDepartment(c, departmentId);
            if (!found || !found->active) throw AppError(Err::NotFound, "no such department");
            d = *found;
            store::ScheduleFilter f;
            f.fromDate = date;
            f.toDate = date;
            f.departmentId = departmentId;
            for (const Schedule& s : store::listSchedules(c, f))
                if (s.status == "open") rooms.insert(s.room);
        });
        std::string list = "[";
        for (const std::string& r : rooms) {
            if (list.size() > 1) list += ',';
            list += renderRoom(r);
        }
        list += ']';
        return json::ObjectWriter()
            .raw("department",
                 json::ObjectWriter().number("id", d.id).string("name", d.name).string("nameEn", d.nameEn).done())
            .string("date", date)
            .raw("rooms", list)
            .done();
    });
}

}  // namespace medbox::booking
