#pragma once
// Queue calling per consulting room (叫号) for today's sessions in that room:
// call next, recall, pass (过号). One patient is "called" (being seen) per
// room; waiting patients are called in session order, then check-in order,
// as changed by passes. See docs/booking.md, "Queue rules".
// Stateless apart from the environment; thread-safe.
#include "domain/BookingEnv.h"
#include "store/Rows.h"
#include <optional>
#include <string>
#include <vector>

namespace medbox::booking {

struct QueueState {
    std::string room;
    std::string date;
    std::optional<Appointment> current;
    std::vector<Appointment> waiting;
};

class Queue {
public:
    explicit Queue(BookingEnv& env) : env_(env) {}

    // NotFound when no session uses the room today.
    QueueState state(const std::string& room) const;
    // Completes the current patient (if any) and calls the first waiting one;
    // QueueEmpty (and nothing changes) when nobody waits.
    QueueState callNext(const Caller& who, const std::string& room);
    // Calls the current patient again.
    QueueState recall(const Caller& who, const std::string& room);
    // Puts the current patient back behind rules.passRequeueAfter waiting
    // patients of the same session (or last); nobody is called until the
    // next call-next.
    QueueState pass(const Caller& who, const std::string& room);

private:
    QueueState read(db::Connection& c, const std::string& room, const std::string& date) const;
    BookingEnv& env_;
};

}  // namespace medbox::booking
