#pragma once
// SQL for schedules and their slots, including the one statement that makes
// overbooking impossible (takePlace). Callers own the transaction.
#include "core/db/Database.h"
#include "store/Rows.h"
#include <optional>
#include <string>
#include <vector>

namespace medbox::booking::store {

struct ScheduleFilter {
    std::string fromDate;  // inclusive, YYYY-MM-DD
    std::string toDate;    // inclusive
    std::optional<int64_t> departmentId;
    std::optional<int64_t> doctorId;
    bool includeInactive = false;  // schedules of inactive doctors/departments
};

std::vector<Schedule> listSchedules(db::Connection& c, const ScheduleFilter& f);
std::optional<Schedule> findSchedule(db::Connection& c, int64_t id);
std::optional<int64_t> findScheduleId(db::Connection& c, int64_t doctorId, const std::string& date,
                                      const std::string& session);
// Open schedules dated on or before `date` (auto-close candidates).
std::vector<Schedule> openSchedulesUpTo(db::Connection& c, const std::string& date);
bool roomInUseOn(db::Connection& c, const std::string& room, const std::string& date);
int64_t insertSchedule(db::Connection& c, const Schedule& s, int64_t nowMs);
void updateSchedule(db::Connection& c, const Schedule& s, int64_t nowMs);
void setScheduleStatus(db::Connection& c, int64_t id, const std::string& status, const std::string& reason,
                       int64_t nowMs);
void deleteSchedule(db::Connection& c, int64_t id);
// The next queue number of a schedule (increments the counter).
int64_t takeQueueNumber(db::Connection& c, int64_t scheduleId);

std::vector<Slot> slotsOf(db::Connection& c, int64_t scheduleId);
// A slot with its schedule, for booking (the schedule's `booked` is not summed: 0).
struct SlotInSchedule {
    Slot slot;
    Schedule schedule;
};
std::optional<SlotInSchedule> findSlotInSchedule(db::Connection& c, int64_t slotId);
void insertSlot(db::Connection& c, const Slot& s);
void deleteSlots(db::Connection& c, int64_t scheduleId);
void setSlotCapacity(db::Connection& c, int64_t slotId, int capacity);
// Takes one place if one is left: true on success. The condition and the
// increment are one statement inside the caller's write transaction, so two
// clients can never both take the last place.
bool takePlace(db::Connection& c, int64_t slotId);
void freePlace(db::Connection& c, int64_t slotId);
void clearPlaces(db::Connection& c, int64_t scheduleId);

}  // namespace medbox::booking::store
