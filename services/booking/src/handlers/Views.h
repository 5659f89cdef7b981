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
#include <string>
#include <vector>

namespace medbox::booking::views {

enum class Personal { Full, Masked };

Poco::JSON::Object::Ptr department(const Department& d);
Poco::JSON::Object::Ptr doctor(const Doctor& d);
Poco::JSON::Object::Ptr schedule(const Schedule& s, const ScheduleAvailability& a, const HospitalTime& t,
                                 bool withSlots);
// As JSON text: written on every booking, so straight to text (json::ObjectWriter).
std::string appointment(const Appointment& a, Personal personal, const BookingEnv& env,
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

// The same for records rendered as JSON text: {"items":[...]}.
template <class T, class F>
std::string itemsText(const std::vector<T>& rows, F render) {
    std::string out = "{\"items\":[";
    for (size_t i = 0; i < rows.size(); ++i) {
        if (i) out += ',';
        out += render(rows[i]);
    }
    return out + "]}";
}

}  // namespace medbox::booking::views
