// The booking service binary: all logic lives in booking_lib (src/).
#include "BookingApp.h"
#include <Poco/Util/ServerApplication.h>

POCO_SERVER_MAIN(medbox::booking::BookingApp)
