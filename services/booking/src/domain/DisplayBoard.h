#pragma once
// The waiting-room screen's view of today's queues (public, no sign-in): per
// room only the number being called, the room and the name masked as 张*三.
// Rendered answers are kept for a short time, so any number of screens (and
// anyone polling the public route) costs at most one database read per room
// and interval. Thread-safe.
#include "domain/BookingEnv.h"
#include "domain/Queue.h"
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace medbox::booking {

// 张三丰 -> 张*丰, 张三 -> 张*, 李 -> *: what hospitals show on the wall.
std::string screenName(std::string_view fullName);

class DisplayBoard {
public:
    // ttlMs: how long a rendered answer is reused (the screens poll twice a
    // second). maxRendersPerSecond: database reads for answers not in the
    // cache, all clients together; beyond it RateLimited (429), so that
    // anyone asking for ever new room codes cannot keep the database busy.
    // 100 rooms with screens need about 330 a second.
    DisplayBoard(BookingEnv& env, int64_t ttlMs = 300, int maxRendersPerSecond = 1000)
        : env_(env), queue_(env), ttlMs_(ttlMs), maxRenders_(maxRendersPerSecond) {}

    // {"room","date","open","current":{queueNo,name,callCount,calledAt}|null,"waitingCount"}
    std::string room(const std::string& room);
    // {"department":{id,name,nameEn},"date","rooms":[room views]}: the rooms of
    // the department's sessions today. NotFound for an unknown department.
    std::string department(int64_t departmentId);

private:
    std::string renderRoom(const std::string& room);
    std::string cached(const std::string& key, const std::function<std::string()>& render);
    BookingEnv& env_;
    Queue queue_;
    int64_t ttlMs_;
    int maxRenders_;
    std::mutex mu_;
    int64_t windowStart_ = 0;  // the current second of the render budget
    int rendersInWindow_ = 0;
    struct Entry {
        int64_t expiresAt = 0;
        std::string body;
    };
    std::map<std::string, Entry> cache_;
};

}  // namespace medbox::booking
