#include "domain/SessionCloser.h"
#include <Poco/Logger.h>

namespace medbox::booking {

SessionCloser::SessionCloser(BookingEnv& env, Poco::Logger& logger)
    : env_(env),
      logger_(logger),
      schedules_(env),
      job_(
          "auto-close of ended sessions", env.clock, kPeriodMs, [this] { closeOverdue(); }, logger) {}

void SessionCloser::start() {
    if (env_.rules.autoCloseAfterMinutes > 0) job_.start();
}

void SessionCloser::closeOverdue() {
    const Caller system{"system:auto-close", false};
    const int closed = schedules_.closeOverdue(system);
    if (closed > 0) logger_.information("auto-closed %d ended session(s)", closed);
}

}  // namespace medbox::booking
