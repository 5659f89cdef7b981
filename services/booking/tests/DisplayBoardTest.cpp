// The waiting-room screen's public view: the wall's name mask, only the
// called number / room / masked name in the answer, the short cache, and
// the department view listing today's rooms.
#include "TestEnv.h"
#include "core/error/AppError.h"
#include "domain/DisplayBoard.h"
#include <Poco/JSON/Parser.h>

using namespace medbox;
using namespace medbox::booking;
using namespace medbox::booking::testing;

namespace {

Poco::JSON::Object::Ptr parse(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

}  // namespace

TEST(ScreenName, KeepsFirstAndLastCharacter) {
    EXPECT_EQ(screenName("张三丰"), "张*丰");
    EXPECT_EQ(screenName("欧阳娜娜"), "欧**娜");
    EXPECT_EQ(screenName("张三"), "张*");
    EXPECT_EQ(screenName("李"), "*");
    EXPECT_EQ(screenName(""), "");
    EXPECT_EQ(screenName("John Smith"), "J********h");
    // A truncated UTF-8 sequence never leaks bytes beyond the first character.
    EXPECT_EQ(screenName(std::string("王\xe5", 4)), "王*");
}

class DisplayBoardTest : public BookingTest {};

TEST_F(DisplayBoardTest, ShowsOnlyTheCallInTheRoom) {
    at("2026-01-05", "08:00");
    const Schedule s = schedule(doctor(department().id).id, "2026-01-05", "morning", 4, "09:00", "11:00", 30);
    const auto sl = slots(s.id);
    const int64_t a = book(sl[0].id, 1, desk).appointment.id;
    const int64_t b = book(sl[1].id, 2, desk).appointment.id;
    DisplayBoard board(*env, 300);

    auto v = parse(board.room("A2-01"));
    EXPECT_TRUE(v->getValue<bool>("open"));
    EXPECT_TRUE(v->isNull("current"));
    EXPECT_EQ(v->getValue<int>("waitingCount"), 0);

    at("2026-01-05", "08:30");
    Appointments(*env).checkIn(nurse, a);
    Appointments(*env).checkIn(nurse, b);
    // Within the cache's 300 ms the old answer stands; after it, the new one.
    clock.advanceMs(100);
    EXPECT_TRUE(parse(board.room("A2-01"))->isNull("current"));
    Queue(*env).callNext(nurse, "A2-01");
    clock.advanceMs(301);
    const std::string text = board.room("A2-01");
    v = parse(text);
    auto cur = v->getObject("current");
    ASSERT_TRUE(cur);
    EXPECT_EQ(cur->getValue<int>("queueNo"), 1);
    EXPECT_EQ(cur->getValue<std::string>("name"), "测**者");
    EXPECT_EQ(cur->getValue<int>("callCount"), 1);
    EXPECT_EQ(v->getValue<int>("waitingCount"), 1);
    // Nothing personal beyond the masked name: no document, phone, full name or ids.
    for (const char* leak : {"测试患者", "13800138000", "appointmentId", "documentNumber", "phone", "doctor"})
        EXPECT_EQ(text.find(leak), std::string::npos) << leak << " in " << text;
    EXPECT_EQ(text.find(residentId(1)), std::string::npos);
}

TEST_F(DisplayBoardTest, UnusedRoomIsClosedNotAnError) {
    at("2026-01-05", "08:00");
    DisplayBoard board(*env);
    auto v = parse(board.room("B9-99"));
    EXPECT_FALSE(v->getValue<bool>("open"));
    EXPECT_TRUE(v->isNull("current"));
}

TEST_F(DisplayBoardTest, DepartmentListsItsOpenRoomsToday) {
    at("2026-01-05", "07:00");
    const Department d = department();
    schedule(doctor(d.id, "王建国").id, "2026-01-05", "morning", 4, "08:00", "10:00", 60, "A2-01");
    schedule(doctor(d.id, "李红").id, "2026-01-05", "morning", 4, "08:00", "10:00", 60, "A2-02");
    schedule(doctor(d.id, "赵敏").id, "2026-01-06", "morning", 4, "08:00", "10:00", 60, "A2-03");  // tomorrow
    DisplayBoard board(*env);
    auto v = parse(board.department(d.id));
    auto rooms = v->getArray("rooms");
    ASSERT_EQ(rooms->size(), 2u);
    EXPECT_EQ(rooms->getObject(0)->getValue<std::string>("room"), "A2-01");
    EXPECT_EQ(rooms->getObject(1)->getValue<std::string>("room"), "A2-02");
    EXPECT_EQ(v->getObject("department")->getValue<std::string>("name"), "心血管内科");
    try {
        board.department(9999);
        ADD_FAILURE() << "unknown department answered";
    } catch (const AppError& e) {
        EXPECT_EQ(static_cast<int>(e.err()), static_cast<int>(Err::NotFound));
    }
}

TEST_F(DisplayBoardTest, RendersBeyondTheBudgetAreRateLimitedCachedAnswersAreNot) {
    at("2026-01-05", "08:00");
    DisplayBoard board(*env, 300, 3);
    for (const char* room : {"R-1", "R-2", "R-3"}) board.room(room);
    try {
        board.room("R-4");
        ADD_FAILURE() << "a fourth render within the second answered";
    } catch (const AppError& e) {
        EXPECT_EQ(static_cast<int>(e.err()), static_cast<int>(Err::RateLimited));
    }
    // What is cached still answers; a second later the budget is back.
    EXPECT_NO_THROW(board.room("R-1"));
    clock.advanceMs(1000);
    EXPECT_NO_THROW(board.room("R-4"));
}
