#include "domain/DemoData.h"
#include "domain/Rules.h"
#include "store/CatalogueStore.h"
#include "store/ScheduleStore.h"

namespace medbox::booking {

namespace {

struct DemoDoctor {
    const char* name;
    const char* title;
    const char* specialty;
    const char* introduction;
};

struct DemoDepartment {
    const char* code;
    const char* name;
    const char* nameEn;
    const char* location;
    const char* description;
    const char* roomPrefix;
    bool evening;  // 夜门诊 on weekdays
    DemoDoctor doctors[3];
};

const DemoDepartment kDepartments[] = {
    {"CARD",
     "心血管内科",
     "Cardiology",
     "门诊楼2层A区",
     "高血压、冠心病、心律失常、心力衰竭的诊治与随访。",
     "A2-",
     true,
     {{"王建国", "chief", "冠心病介入治疗", "从事心血管内科临床工作三十年，擅长冠心病介入诊疗及复杂病例处理。"},
      {"李慧敏", "associate_chief", "高血压、心力衰竭", "擅长难治性高血压、心力衰竭的规范化治疗与长期管理。"},
      {"张磊", "attending", "心律失常", "擅长心律失常的诊断、动态心电图判读及起搏器随访。"}}},
    {"RESP",
     "呼吸与危重症医学科",
     "Respiratory Medicine",
     "门诊楼2层B区",
     "慢阻肺、哮喘、肺部感染及肺结节评估。",
     "B2-",
     false,
     {{"陈志强", "chief", "慢性阻塞性肺疾病", "擅长慢阻肺、支气管哮喘的诊治及肺功能评估。"},
      {"刘芳", "associate_chief", "肺结节、肺部感染", "擅长肺结节的随访管理与重症肺部感染的诊治。"},
      {"杨帆", "resident", "呼吸系统常见病", "负责呼吸系统常见病、多发病的门诊诊疗。"}}},
    {"GAST",
     "消化内科",
     "Gastroenterology",
     "门诊楼3层A区",
     "胃肠、肝胆胰疾病诊治及内镜检查预约。",
     "A3-",
     false,
     {{"赵明华", "chief", "消化内镜诊疗", "擅长消化道早癌的内镜诊断与内镜下治疗。"},
      {"孙丽娟", "attending", "胃食管反流病、幽门螺杆菌感染", "擅长胃食管反流病及幽门螺杆菌感染的规范治疗。"},
      {"周涛", "attending", "肝病", "擅长脂肪肝、病毒性肝炎的诊治与随访。"}}},
    {"ENDO",
     "内分泌科",
     "Endocrinology",
     "门诊楼3层B区",
     "糖尿病、甲状腺疾病、骨质疏松的诊治。",
     "B3-",
     true,
     {{"吴秀英", "chief", "糖尿病及并发症", "擅长糖尿病及其慢性并发症的综合管理。"},
      {"郑海燕", "associate_chief", "甲状腺疾病", "擅长甲亢、甲减及甲状腺结节的诊治。"},
      {"黄伟", "resident", "内分泌常见病", "负责内分泌代谢常见病的门诊诊疗与健康教育。"}}},
    {"GSUR",
     "普通外科",
     "General Surgery",
     "门诊楼4层A区",
     "甲乳、胃肠、肝胆及疝气等外科疾病。",
     "A4-",
     false,
     {{"徐国栋", "chief", "胃肠肿瘤外科", "擅长胃肠道肿瘤的腹腔镜微创手术。"},
      {"马俊", "associate_chief", "甲状腺乳腺外科", "擅长甲状腺、乳腺疾病的外科治疗。"},
      {"胡晓东", "attending", "肝胆外科", "擅长胆囊结石、胆管结石的微创治疗。"}}},
    {"ORTH",
     "骨科",
     "Orthopedics",
     "门诊楼4层B区",
     "创伤、脊柱、关节及运动损伤。",
     "B4-",
     false,
     {{"朱振华", "chief", "脊柱外科", "擅长颈椎病、腰椎间盘突出症的诊治与手术。"},
      {"林涛", "associate_chief", "关节外科", "擅长髋膝关节置换及关节镜手术。"},
      {"何晓峰", "attending", "运动医学", "擅长运动损伤的诊断与康复指导。"}}},
    {"PED",
     "儿科",
     "Pediatrics",
     "门诊楼1层C区",
     "儿童常见病、呼吸道感染及生长发育评估。",
     "C1-",
     true,
     {{"高文静", "chief", "小儿呼吸系统疾病", "擅长儿童哮喘、反复呼吸道感染的诊治。"},
      {"罗小燕", "attending", "儿童生长发育", "擅长儿童生长发育评估与营养指导。"},
      {"梁宇", "resident", "儿科常见病", "负责儿科常见病、多发病的门诊诊疗。"}}},
    {"OPH",
     "眼科",
     "Ophthalmology",
     "门诊楼5层A区",
     "白内障、青光眼、屈光不正及眼底病。",
     "A5-",
     false,
     {{"宋雅琴", "chief", "白内障、青光眼", "擅长白内障超声乳化手术及青光眼的诊治。"},
      {"谢明", "associate_chief", "眼底病", "擅长糖尿病视网膜病变等眼底病的诊治。"},
      {"韩雪", "attending", "屈光不正、儿童近视防控", "擅长儿童青少年近视防控与屈光检查。"}}},
};

int capacityFor(const std::string& title) { return title == "chief" ? 16 : title == "associate_chief" ? 24 : 32; }
int feeFor(const std::string& title) {
    return title == "chief" ? 5000 : title == "associate_chief" ? 3000 : title == "attending" ? 2000 : 1000;
}

}  // namespace

bool loadDemoData(BookingEnv& env) {
    bool loaded = false;
    env.db.write([&](db::Tx& tx) {
        auto& c = tx.conn();
        if (store::hasAnyDepartment(c)) return;
        const int64_t now = env.now();
        const int64_t today = env.time.day(now);
        int order = 0;
        int schedules = 0;
        int doctorIndex = 0;
        for (const DemoDepartment& dd : kDepartments) {
            Department dep;
            dep.code = dd.code;
            dep.name = dd.name;
            dep.nameEn = dd.nameEn;
            dep.location = dd.location;
            dep.description = dd.description;
            dep.sortOrder = ++order * 10;
            dep.id = store::insertDepartment(c, dep, now);
            int roomNo = 0;
            for (const DemoDoctor& ddoc : dd.doctors) {
                ++doctorIndex;
                Doctor doc;
                doc.departmentId = dep.id;
                doc.name = ddoc.name;
                doc.title = ddoc.title;
                doc.specialty = ddoc.specialty;
                doc.introduction = ddoc.introduction;
                doc.photoUrl = "/media/doctors/" + std::to_string(doctorIndex) + ".jpg";
                doc.id = store::insertDoctor(c, doc, now);
                ++roomNo;
                const std::string room = std::string(dd.roomPrefix) + "0" + std::to_string(roomNo);
                // Today through the release horizon: the last day shows 放号.
                for (int64_t day = today; day <= today + env.rules.releaseDaysAhead; ++day) {
                    const int weekday = static_cast<int>((day + 4) % 7);  // 0 = Sunday (1970-01-01 was a Thursday)
                    std::vector<std::string> sessions;
                    if ((doctorIndex + day) % 3 != 0) sessions.push_back("morning");
                    if (weekday != 0 && (doctorIndex + day) % 2 == 0) sessions.push_back("afternoon");
                    if (dd.evening && weekday >= 1 && weekday <= 5 && roomNo == 3 && day % 2 == 0)
                        sessions.push_back("evening");
                    for (const std::string& session : sessions) {
                        const SessionHours& h = env.rules.hours(session);
                        Schedule s;
                        s.doctorId = doc.id;
                        s.date = formatDate(day);
                        s.session = session;
                        s.startTime = formatTimeOfDay(h.start);
                        s.endTime = formatTimeOfDay(h.end);
                        s.slotMinutes = env.rules.defaultSlotMinutes;
                        s.room = room;
                        s.capacity = session == "evening" ? capacityFor(doc.title) / 2 : capacityFor(doc.title);
                        s.feeCents = feeFor(doc.title);
                        const int64_t id = store::insertSchedule(c, s, now);
                        for (const SlotPlan& p : planSlots(h.start, h.end, s.slotMinutes, s.capacity)) {
                            Slot slot;
                            slot.scheduleId = id;
                            slot.seq = p.seq;
                            slot.startTime = formatTimeOfDay(p.start);
                            slot.endTime = formatTimeOfDay(p.end);
                            slot.capacity = p.capacity;
                            store::insertSlot(c, slot);
                        }
                        ++schedules;
                    }
                }
            }
        }
        auto detail = jsonObject();
        detail->set("departments", order);
        detail->set("doctors", doctorIndex);
        detail->set("schedules", schedules);
        env.effects.auditIn(tx, "system:demo-data", "booking.demo_data_load", "catalogue", detail);
        env.cache.invalidateAfter(tx);
        loaded = true;
    });
    return loaded;
}

}  // namespace medbox::booking
