#pragma once
// The JSON representations of the booking API (documented in
// web/openapi.json). Personal data is rendered in full only for a single
// record; lists get the masked view.
#include "domain/Availability.h"
#include "domain/BookingEnv.h"
#include "domain/Queue.h"
#include "store/Rows.h"
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <optional>

namespace medbox::booking::views {

enum class Personal { Full, Masked };

Poco::JSON::Object::Ptr department(const Department& d);
Poco::JSON::Object::Ptr doctor(const Doctor& d);
Poco::JSON::Object::Ptr schedule(const Schedule& s, const ScheduleAvailability& a, const HospitalTime& t,
                                 bool withSlots);
Poco::JSON::Object::Ptr appointment(const Appointment& a, Personal personal, const BookingEnv& env,
                                    std::optional<int> ahead = std::nullopt);
Poco::JSON::Object::Ptr queue(const QueueState& q, const HospitalTime& t);

template <class T, class F>
Poco::JSON::Object::Ptr items(const std::vector<T>& rows, F render) {
    Poco::JSON::Array::Ptr arr = new Poco::JSON::Array;
    for (const T& r : rows) arr->add(render(r));
    auto o = jsonObject();
    o->set("items", arr);
    return o;
}

}  // namespace medbox::booking::views
