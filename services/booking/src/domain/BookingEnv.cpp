#include "domain/BookingEnv.h"
#include "core/http/JsonText.h"

namespace medbox::booking {

std::string toJsonText(const Poco::JSON::Object::Ptr& obj) { return json::text(obj); }

}  // namespace medbox::booking
