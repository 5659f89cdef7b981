// Pure rules: local time, release, cutoff, check-in window, no-show block,
// slot planning, queue re-ordering, identity validation.
#include "TestEnv.h"
#include "domain/LocalTime.h"
#include "domain/Patient.h"
#include "domain/Rules.h"
#include <gtest/gtest.h>

using namespace medbox::booking;
using medbox::booking::testing::residentId;

namespace {
constexpr int64_t kMin = 60'000;
constexpr int64_t kDay = 86'400'000;
}

TEST(LocalTimeTest, ParsesAndFormatsRealDatesOnly) {
    EXPECT_EQ(formatDate(*parseDate("2024-02-29")), "2024-02-29");
    EXPECT_FALSE(parseDate("2026-02-29"));
    EXPECT_FALSE(parseDate("2026-13-01"));
    EXPECT_FALSE(parseDate("2026-1-01"));
    EXPECT_FALSE(parseDate("2026-01-01x"));
    EXPECT_EQ(*parseDate("1970-01-01"), 0);
    EXPECT_EQ(*parseTimeOfDay("08:30"), 510);
    EXPECT_FALSE(parseTimeOfDay("24:00"));
    EXPECT_FALSE(parseTimeOfDay("8:30"));
    EXPECT_EQ(formatTimeOfDay(1439), "23:59");
}

TEST(LocalTimeTest, UsesTheHospitalOffset) {
    const HospitalTime t(480);
    // 2025-12-31T16:00Z is midnight on 2026-01-01 in China.
    const int64_t ms = t.toMs(*parseDate("2026-01-01"), 0);
    EXPECT_EQ(t.date(ms), "2026-01-01");
    EXPECT_EQ(t.date(ms - 1), "2025-12-31");
    EXPECT_EQ(t.minuteOfDay(ms + 90 * kMin), 90);
    EXPECT_EQ(t.iso(ms + 8 * 60 * kMin), "2026-01-01T08:00:00+08:00");
    EXPECT_EQ(HospitalTime(-300).iso(0), "1969-12-31T19:00:00-05:00");
}

TEST(RulesTest, ReleaseIsDaysAheadAtTheReleaseTime) {
    BookingRules r;
    const HospitalTime t(480);
    const int64_t day = *parseDate("2026-01-10");
    EXPECT_EQ(t.iso(releaseAtMs(r, t, day)), "2026-01-03T08:00:00+08:00");
    r.releaseDaysAhead = 0;
    r.releaseMinute = 0;
    EXPECT_EQ(t.iso(releaseAtMs(r, t, day)), "2026-01-10T00:00:00+08:00");
}

TEST(RulesTest, CancelCutoffAndCheckInWindow) {
    BookingRules r;
    EXPECT_EQ(cancelDeadlineMs(r, 1000 * kMin), 880 * kMin);
    const Window w = checkInWindow(r, 1000 * kMin, 1200 * kMin);
    EXPECT_FALSE(w.contains(940 * kMin - 1));
    EXPECT_TRUE(w.contains(940 * kMin));
    EXPECT_TRUE(w.contains(1200 * kMin));
    EXPECT_FALSE(w.contains(1200 * kMin + 1));
}

TEST(RulesTest, NoShowBlockNeedsLimitWithinWindow) {
    BookingRules r;  // 3 within 90 days -> 30 days
    const int64_t now = 1000 * kDay;
    EXPECT_FALSE(noShowBlockedUntil(r, {now - kDay, now - 2 * kDay}, now));
    // Three within 90 days: blocked for 30 days from the third.
    auto until = noShowBlockedUntil(r, {now - 10 * kDay, now - 50 * kDay, now - 5 * kDay}, now);
    ASSERT_TRUE(until);
    EXPECT_EQ(*until, now - 5 * kDay + 30 * kDay);
    // Spread over more than 90 days: no block.
    EXPECT_FALSE(noShowBlockedUntil(r, {now - 1 * kDay, now - 50 * kDay, now - 95 * kDay}, now));
    // The block ends.
    EXPECT_FALSE(noShowBlockedUntil(r, {now - 31 * kDay, now - 32 * kDay, now - 33 * kDay}, now));
    r.noShowLimit = 0;
    EXPECT_FALSE(noShowBlockedUntil(r, {now, now, now}, now));
}

TEST(RulesTest, PlanSlotsSpreadsCapacity) {
    const auto plan = planSlots(480, 720, 30, 20);  // 8 slots
    ASSERT_EQ(plan.size(), 8u);
    int total = 0;
    for (const auto& p : plan) total += p.capacity;
    EXPECT_EQ(total, 20);
    EXPECT_EQ(plan[0].capacity, 3);
    EXPECT_EQ(plan[7].capacity, 2);
    EXPECT_EQ(plan[7].end, 720);
    // Fewer places than slots: empty slots left out, seq stays dense.
    const auto few = planSlots(480, 720, 30, 3);
    ASSERT_EQ(few.size(), 3u);
    EXPECT_EQ(few[2].seq, 3);
    // A shorter last slot.
    const auto odd = planSlots(480, 500, 15, 2);
    ASSERT_EQ(odd.size(), 2u);
    EXPECT_EQ(odd[1].end, 500);
    EXPECT_TRUE(planSlots(500, 480, 30, 2).empty());
    EXPECT_TRUE(planSlots(480, 500, 30, 0).empty());
    EXPECT_EQ(spreadCapacity(5, 3), (std::vector<int>{2, 2, 1}));
}

TEST(RulesTest, PassRequeuesBehindN) {
    EXPECT_EQ(requeueAfter({1, 2, 3, 4}, 9, 2), (std::vector<int64_t>{1, 2, 9, 3, 4}));
    EXPECT_EQ(requeueAfter({1}, 9, 2), (std::vector<int64_t>{1, 9}));
    EXPECT_EQ(requeueAfter({}, 9, 2), (std::vector<int64_t>{9}));
    EXPECT_EQ(requeueAfter({1, 9, 2, 3}, 9, 0), (std::vector<int64_t>{9, 1, 2, 3}));
}

TEST(RulesTest, RoomCodes) {
    EXPECT_TRUE(isRoomCode("A2-01"));
    EXPECT_FALSE(isRoomCode(""));
    EXPECT_FALSE(isRoomCode("A2/01"));
    EXPECT_FALSE(isRoomCode("诊室1"));
    EXPECT_FALSE(isRoomCode(std::string(33, 'A')));
}

TEST(PatientTest, ValidatesAndNormalises) {
    PatientIdentity p{" 张三 ", "resident_id", residentId(1), "13812345678"};
    EXPECT_FALSE(validatePatient(p));
    EXPECT_EQ(p.name, "张三");

    std::string withX = "11010519491231002x";  // the GB 11643 sample number, lower-case x
    PatientIdentity x{"李四", "resident_id", withX, "13912345678"};
    EXPECT_FALSE(validatePatient(x));
    EXPECT_EQ(x.documentNumber, "11010519491231002X");

    std::string bad = residentId(1);
    bad[17] = bad[17] == '1' ? '2' : '1';
    PatientIdentity b{"王五", "resident_id", bad, "13812345678"};
    auto problem = validatePatient(b);
    ASSERT_TRUE(problem);
    EXPECT_EQ(problem->field, "documentNumber");

    PatientIdentity phone{"王五", "passport", "e12345678", "12812345678"};
    problem = validatePatient(phone);
    ASSERT_TRUE(problem);
    EXPECT_EQ(problem->field, "phone");
    EXPECT_EQ(phone.documentNumber, "E12345678");

    PatientIdentity digits{"王5", "other", "HK-123456", "13812345678"};
    problem = validatePatient(digits);
    ASSERT_TRUE(problem);
    EXPECT_EQ(problem->field, "name");

    PatientIdentity other{"Anna Müller", "other", "C1234(5)", "13812345678"};
    EXPECT_FALSE(validatePatient(other));
    PatientIdentity type{"Anna", "driver", "C1234", "13812345678"};
    problem = validatePatient(type);
    ASSERT_TRUE(problem);
    EXPECT_EQ(problem->field, "documentType");
    EXPECT_FALSE(isMainlandMobile("1381234567"));
    EXPECT_TRUE(isMainlandMobile("19912345678"));
}

TEST(PatientTest, MasksDocumentsOfEveryType) {
    EXPECT_EQ(maskDocument("passport", "E12345678"), "E1*****78");
    EXPECT_EQ(maskDocument("other", "ABC"), "***");
    EXPECT_EQ(maskDocument("resident_id", residentId(1)).find(residentId(1).substr(6, 8)), std::string::npos);
}
