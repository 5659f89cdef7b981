#include "domain/Queue.h"
#include "domain/Rules.h"
#include "core/error/AppError.h"
#include "store/AppointmentStore.h"
#include "store/ScheduleStore.h"

namespace medbox::booking {

namespace {

void requireRoom(db::Connection& c, const std::string& room, const std::string& date) {
    if (!store::roomInUseOn(c, room, date))
        throw AppError(Err::NotFound, "no session uses room " + room + " on " + date);
}

Poco::JSON::Object::Ptr queueDetail(const std::string& room, const Appointment& a) {
    auto d = jsonObject();
    d->set("room", room);
    d->set("scheduleId", a.scheduleId);
    d->set("queueNo", a.queueNo.value_or(0));
    return d;
}

}  // namespace

QueueState Queue::read(db::Connection& c, const std::string& room, const std::string& date) const {
    QueueState q;
    q.room = room;
    q.date = date;
    q.current = store::currentInRoom(c, room, date);
    q.waiting = store::waitingInRoom(c, room, date);
    return q;
}

QueueState Queue::state(const std::string& room) const {
    const std::string date = env_.today();
    return env_.db.read([&](db::Connection& c) {
        requireRoom(c, room, date);
        return read(c, room, date);
    });
}

QueueState Queue::callNext(const Caller& who, const std::string& room) {
    const std::string date = env_.today();
    QueueState out;
    env_.db.write([&](db::Tx& tx) {
        auto& c = tx.conn();
        requireRoom(c, room, date);
        QueueState q = read(c, room, date);
        if (q.waiting.empty()) throw AppError(Err::QueueEmpty, "nobody is waiting for room " + room);
        const int64_t now = env_.now();
        if (q.current) store::markFinished(c, q.current->id, "completed", now);
        const Appointment& next = q.waiting.front();
        store::markCalled(c, next.id, now);
        env_.effects.auditIn(tx, who.actor, "booking.queue_call", "appointment:" + std::to_string(next.id),
                             queueDetail(room, next));
        out = read(c, room, date);
    });
    return out;
}

QueueState Queue::recall(const Caller& who, const std::string& room) {
    const std::string date = env_.today();
    QueueState out;
    env_.db.write([&](db::Tx& tx) {
        auto& c = tx.conn();
        requireRoom(c, room, date);
        auto current = store::currentInRoom(c, room, date);
        if (!current) throw AppError(Err::QueueEmpty, "nobody is being called in room " + room);
        store::markCalled(c, current->id, env_.now());
        env_.effects.auditIn(tx, who.actor, "booking.queue_recall", "appointment:" + std::to_string(current->id),
                             queueDetail(room, *current));
        out = read(c, room, date);
    });
    return out;
}

QueueState Queue::pass(const Caller& who, const std::string& room) {
    const std::string date = env_.today();
    QueueState out;
    env_.db.write([&](db::Tx& tx) {
        auto& c = tx.conn();
        requireRoom(c, room, date);
        auto current = store::currentInRoom(c, room, date);
        if (!current) throw AppError(Err::QueueEmpty, "nobody is being called in room " + room);
        store::markPassed(c, current->id);
        // Renumber the session's waiting order: positions stay small and dense
        // however often patients are passed.
        const auto order = requeueAfter(store::waitingOfSchedule(c, current->scheduleId), current->id,
                                        env_.rules.passRequeueAfter);
        for (size_t i = 0; i < order.size(); ++i) store::setQueuePos(c, order[i], static_cast<int64_t>(i) + 1);
        env_.effects.auditIn(tx, who.actor, "booking.queue_pass", "appointment:" + std::to_string(current->id),
                             queueDetail(room, *current));
        out = read(c, room, date);
    });
    return out;
}

}  // namespace medbox::booking
