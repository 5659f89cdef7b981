#pragma once
// Plain rows of the booking tables as the store reads and writes them.
// Values only; the store fills them, domain and handlers read them.
#include <cstdint>
#include <optional>
#include <string>

namespace medbox::booking {

struct Department {
    int64_t id = 0;
    std::string code;
    std::string name;
    std::string nameEn;
    std::string location;
    std::string description;
    int sortOrder = 0;
    bool active = true;
};

struct Doctor {
    int64_t id = 0;
    int64_t departmentId = 0;
    std::string name;
    std::string title;  // chief | associate_chief | attending | resident
    std::string specialty;
    std::string photoUrl;
    std::string introduction;
    bool active = true;
    std::string departmentName;  // joined, read only
};

// A schedule (one doctor, one date, one session) with its doctor and
// department joined in for rendering.
struct Schedule {
    int64_t id = 0;
    int64_t doctorId = 0;
    std::string date;       // YYYY-MM-DD local
    std::string session;    // morning | afternoon | evening
    std::string startTime;  // HH:MM local
    std::string endTime;
    int slotMinutes = 30;
    std::string room;
    int capacity = 0;
    int feeCents = 0;
    std::string status = "open";  // open | stopped | closed
    std::string stopReason;
    int nextQueueNo = 1;
    // joined
    int booked = 0;  // sum over slots
    int64_t departmentId = 0;
    std::string departmentCode;
    std::string departmentName;
    std::string doctorName;
    std::string doctorTitle;
    std::string doctorSpecialty;
    std::string doctorPhotoUrl;
    bool catalogueActive = true;  // doctor and department both active
};

struct Slot {
    int64_t id = 0;
    int64_t scheduleId = 0;
    int seq = 0;
    std::string startTime;  // HH:MM
    std::string endTime;
    int capacity = 0;
    int booked = 0;
};

// An appointment with its schedule, slot, doctor and department joined in.
struct Appointment {
    int64_t id = 0;
    int64_t scheduleId = 0;
    int64_t slotId = 0;
    std::string documentType;
    std::string documentNumber;
    std::string patientName;
    std::string phone;
    std::string channel;  // portal | desk
    std::string status;   // see docs/booking.md, "Appointment states"
    std::string createdBy;
    int64_t createdAt = 0;
    std::optional<int64_t> cancelledAt;
    std::string cancelReason;
    std::optional<int64_t> checkedInAt;
    std::optional<int64_t> queueNo;
    std::optional<int64_t> calledAt;
    int callCount = 0;
    int passCount = 0;
    std::optional<int64_t> finishedAt;
    // joined
    std::string date;
    std::string session;
    std::string slotStart;
    std::string slotEnd;
    std::string sessionEnd;
    std::string room;
    std::string scheduleStatus;
    int64_t doctorId = 0;
    std::string doctorName;
    std::string doctorTitle;
    int64_t departmentId = 0;
    std::string departmentName;
    bool operator==(const Appointment&) const = default;
};

}  // namespace medbox::booking
